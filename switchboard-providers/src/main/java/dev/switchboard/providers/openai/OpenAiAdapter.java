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
import dev.switchboard.core.spi.ApiBase;
import dev.switchboard.core.spi.RequestDefaults;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
 * clients that did not ask for it. The deployment's request parameters ({@link RequestDefaults}) go into that body
 * wherever the client left them out, {@code extra_body}'s fields included.
 */
public final class OpenAiAdapter implements OpenAiEmbeddingsAnswers {
    public static final String ID = "openai";
    private static final String API_VERSION = "api_version";
    private static final List<String> AZURE_HOSTS = List.of(".azure.com", ".azure.us", ".azure.cn", ".azure-api.net");
    private static final Set<String> PARAMS = params();

    private final Ticker ticker;
    private final TokenCounter tokens;

    public OpenAiAdapter(Ticker ticker) {
        this(ticker, new TokenCounter());
    }

    /** @param tokens counts an answer, streamed or not, whose upstream sent no usage */
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
        return PARAMS;
    }

    /** {@code api_version} is Azure's; on another base it has no meaning, and start-up says it has no effect. */
    @Override
    public List<String> unusedParams(Deployment target) {
        List<String> unused = new ArrayList<>(OpenAiEmbeddingsAnswers.super.unusedParams(target));
        if (apiVersion(target).isPresent()) unused.remove(API_VERSION);
        return unused;
    }

    @Override
    public WireRequest toWire(ChatRequest request, Deployment target) {
        ObjectNode body = request.openAiBody().map(ObjectNode::deepCopy).orElseGet(() -> OpenAiCodec.writeChatRequest(request));
        // The deployment's request parameters go where the client's body leaves them out, its own fields included.
        RequestDefaults.of(target).fillInto(body);
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
        // An answer without usage (some compatible servers send none) gets the gateway's count, as a stream does.
        return EstimatedUsage.completed(OpenAiCodec.parseChatResponse(Json.parseUpstream(response.body(), ID), ID), tokens, request);
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

    /**
     * {@code api_base} already carries the version path ({@code https://api.openai.com/v1}), and maybe a query to keep;
     * an Azure-style base gets the deployment's {@code api_version} as its {@code api-version} unless its query has one.
     */
    static URI endpoint(Deployment target, String path) {
        URI base = target.apiBase().orElseThrow(() -> new GatewayException.Internal(
                "deployment " + target.id() + " has no api_base", null));
        URI url = ApiBase.endpoint(base, path);
        Optional<String> version = apiVersion(target);
        if (version.isEmpty()) return url;
        String query = url.getRawQuery();
        String param = "api-version=" + URLEncoder.encode(version.get(), StandardCharsets.UTF_8);
        return URI.create(url + (query == null || query.isEmpty() ? "?" : "&") + param);
    }

    /**
     * The {@code api_version} to send: set, on an Azure-style base (an Azure host, or a path with Azure's
     * {@code /openai/deployments/}), whose query does not already say {@code api-version}.
     */
    static Optional<String> apiVersion(Deployment target) {
        Optional<String> version = text(target, API_VERSION);
        if (version.isEmpty() || target.apiBase().isEmpty()) return Optional.empty();
        URI base = target.apiBase().get();
        String host = Optional.ofNullable(base.getHost()).orElse("").toLowerCase(Locale.ROOT);
        boolean azure = AZURE_HOSTS.stream().anyMatch(host::endsWith)
                || Optional.ofNullable(base.getRawPath()).orElse("").contains("/openai/deployments/");
        String query = Optional.ofNullable(base.getRawQuery()).orElse("");
        boolean inQuery = ("&" + query).toLowerCase(Locale.ROOT).contains("&api-version=");
        return azure && !inQuery ? version : Optional.empty();
    }

    private static Set<String> params() {
        Set<String> params = new HashSet<>(Set.of("organization", "project", RequestDefaults.EXTRA_BODY));
        params.addAll(RequestDefaults.CANONICAL);
        params.addAll(RequestDefaults.OPENAI_ONLY);
        return Set.copyOf(params);
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
