package dev.switchboard.providers.simulated;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.spi.RequestDefaults;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import dev.switchboard.providers.openai.OpenAiEmbeddingsAnswers;
import java.net.URI;
import java.util.Set;
import java.util.function.Function;

/**
 * The offline {@code simulated} provider's adapter: pure translation to OpenAI's wire format (the same
 * codec OpenAI-compatible upstreams use), addressed to the in-process {@link SimulatedTransport}. The
 * deployment's {@code litellm_params.simulation} knobs travel as request headers; they are validated
 * here (and by {@link #validate}) so a bad value names its key.
 */
public final class SimulatedAdapter implements OpenAiEmbeddingsAnswers {
    public static final String ID = "simulated";
    static final URI CHAT = URI.create("simulated://local/v1/chat/completions");
    static final URI EMBEDDINGS = URI.create("simulated://local/v1/embeddings");

    private final Function<String, String> env;

    /** @param env resolves {@code ${NAME}} placeholders inside the simulation knobs */
    public SimulatedAdapter(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<String> deploymentParams() {
        Set<String> params = new java.util.HashSet<>(RequestDefaults.CANONICAL);
        params.add("simulation");
        return params;
    }

    @Override
    public void validate(Deployment target) {
        SimulationSettings.of(target, env);
    }

    @Override
    public WireRequest toWire(ChatRequest request, Deployment target) {
        // Always from canonical fields: stages may have rewritten the messages since the client's body arrived.
        // The deployment's request parameters the canonical model carries are defaults the client's own values override.
        ObjectNode body = OpenAiCodec.writeChatRequest(RequestDefaults.of(target).applyTo(request, RequestDefaults.CANONICAL));
        body.put("model", target.upstreamModel());
        return WireRequest.post(CHAT, headers(target), Json.bytes(body));
    }

    @Override
    public ChatResponse fromWire(WireResponse response, ChatRequest request) {
        return OpenAiCodec.parseChatResponse(Json.parseUpstream(response.body(), ID), ID);
    }

    @Override
    public StreamDecoder newStreamDecoder(ChatRequest request) {
        return new SimulatedStreamDecoder();
    }

    @Override
    public GatewayException mapError(int status, WireHeaders headers, byte[] body) {
        return SimulatedErrors.map(status, headers, body);
    }

    @Override
    public WireRequest toWire(EmbeddingRequest request, Deployment target) {
        // As a real provider refuses to embed with a chat model: simulated vectors come only from embedding models.
        if (!target.info().isEmbedding()) {
            throw new GatewayException.Unsupported("'" + request.model() + "' is a simulated chat model and does not "
                    + "make embeddings: only a deployment with model_info.mode: embedding does.", "model");
        }
        return WireRequest.post(EMBEDDINGS, headers(target), Json.bytes(OpenAiEmbeddingsCodec.writeRequest(request, target.upstreamModel())));
    }

    private WireHeaders headers(Deployment target) {
        WireHeaders.Builder h = WireHeaders.builder().add("Content-Type", "application/json");
        h.add("x-simulation-deployment", target.id());
        SimulationSettings.of(target, env).writeTo(h);
        return h.build();
    }
}
