package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.spi.ApiBase;
import dev.switchboard.core.spi.ProviderAdapter;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAI's Chat Completions and Embeddings APIs, and every server that speaks them through
 * {@code api_base} (Groq, Together, Mistral, DeepSeek, OpenRouter, vLLM, LM Studio, llama.cpp).
 * References: https://platform.openai.com/docs/api-reference/chat/create,
 * https://platform.openai.com/docs/api-reference/chat-streaming,
 * https://platform.openai.com/docs/api-reference/embeddings/create.
 *
 * <p>Fast path: a request that arrived in OpenAI format is forwarded as the client's own body with only
 * {@code model} and the streaming fields rewritten, so fields the gateway does not know reach the upstream
 * untouched. Streams always ask for the usage chunk so usage is counted; the ingress drops that chunk for
 * clients that did not ask for it.
 */
public final class OpenAiAdapter implements ProviderAdapter {
    public static final String ID = "openai";

    private final Ticker ticker;
    private final TokenCounter tokens;

    public OpenAiAdapter(Ticker ticker) {
        this(ticker, new TokenCounter());
    }

    /** @param tokens counts a streamed answer whose upstream sent no usage */
    public OpenAiAdapter(Ticker ticker, TokenCounter tokens) {
        this.ticker = ticker;
        this.tokens = tokens;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<String> deploymentParams() {
        return Set.of("organization", "project");
    }

    @Override
    public WireRequest toWire(ChatRequest request, Deployment target) {
        ObjectNode body = request.openAiBody().map(ObjectNode::deepCopy).orElseGet(() -> OpenAiCodec.writeChatRequest(request));
        body.put("model", target.upstreamModel());
        if (request.stream()) {
            body.put("stream", true);
            JsonNode options = body.get("stream_options");
            ObjectNode streamOptions = options instanceof ObjectNode o ? o : body.putObject("stream_options");
            streamOptions.put("include_usage", true);
        } else {
            // stream_options is only valid with stream=true.
            body.remove("stream");
            body.remove("stream_options");
        }
        return WireRequest.post(endpoint(target, "/chat/completions"),
                headers(target, request.stream() ? "text/event-stream" : "application/json"), Json.bytes(body));
    }

    @Override
    public ChatResponse fromWire(WireResponse response, ChatRequest request) {
        return OpenAiCodec.parseChatResponse(Json.parseUpstream(response.body(), ID), ID);
    }

    @Override
    public StreamDecoder newStreamDecoder(ChatRequest request) {
        return new OpenAiStreamDecoder(ticker, tokens, request);
    }

    @Override
    public GatewayException mapError(int status, WireHeaders headers, byte[] body) {
        return OpenAiErrors.map(status, headers, body, ticker);
    }

    @Override
    public WireRequest toWire(EmbeddingRequest request, Deployment target) {
        ObjectNode body = OpenAiEmbeddingsCodec.writeRequest(request, target.upstreamModel());
        return WireRequest.post(endpoint(target, "/embeddings"), headers(target, "application/json"), Json.bytes(body));
    }

    @Override
    public EmbeddingResponse embeddingsFromWire(WireResponse response, EmbeddingRequest request) {
        return OpenAiEmbeddingsCodec.parseResponse(Json.parseUpstream(response.body(), ID), ID);
    }

    /** {@code api_base} already carries the version path ({@code https://api.openai.com/v1}), and maybe a query to keep. */
    static URI endpoint(Deployment target, String path) {
        URI base = target.apiBase().orElseThrow(() -> new GatewayException.Internal(
                "deployment " + target.id() + " has no api_base", null));
        return ApiBase.endpoint(base, path);
    }

    private static Optional<String> text(Deployment target, String param) {
        JsonNode v = target.params().get(param);
        return v != null && v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static WireHeaders headers(Deployment target, String accept) {
        WireHeaders.Builder h = WireHeaders.builder()
                .add("Content-Type", "application/json")
                .add("Accept", accept);
        target.apiKey().ifPresent(key -> h.add("Authorization", "Bearer " + key.value()));
        // LiteLLM's litellm_params.organization / project become OpenAI's scoping headers.
        text(target, "organization").ifPresent(v -> h.add("OpenAI-Organization", v));
        text(target, "project").ifPresent(v -> h.add("OpenAI-Project", v));
        target.headers().forEach(h::set);
        return h.build();
    }
}
