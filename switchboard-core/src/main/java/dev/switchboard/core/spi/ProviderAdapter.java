package dev.switchboard.core.spi;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Pure translation between the canonical model and one provider's wire format: no I/O, no retries,
 * no globals. Transport (HTTP, framing) is shared and lives elsewhere.
 */
public interface ProviderAdapter {
    /** "openai", "ollama", ... */
    String id();

    WireRequest toWire(ChatRequest request, Deployment target);

    ChatResponse fromWire(WireResponse response, ChatRequest request);

    StreamDecoder newStreamDecoder(ChatRequest request);

    /** Maps a non-2xx upstream answer into the gateway's error hierarchy. */
    GatewayException mapError(int status, WireHeaders headers, byte[] body);

    default Framing framing() {
        return Framing.SSE;
    }

    /**
     * Checks the deployment's provider-specific settings ({@code litellm_params} keys only this provider
     * reads); meant to run at start-up for every deployment of this provider.
     *
     * @throws dev.switchboard.core.config.ConfigException naming the key when a setting is invalid
     */
    default void validate(Deployment target) {}

    /**
     * The {@code litellm_params} keys this provider reads beyond the common ones the config loader takes (model,
     * api_base, api_key, limits, timeouts, headers): its own settings and the request parameters it applies as
     * defaults ({@link RequestDefaults}). Any other key has no effect, and start-up says so.
     */
    default Set<String> deploymentParams() {
        return Set.of();
    }

    /** The deployment's {@code litellm_params} keys that nothing reads, in the order written. */
    default List<String> unusedParams(Deployment target) {
        List<String> unused = new ArrayList<>();
        target.params().fieldNames().forEachRemaining(k -> {
            if (!deploymentParams().contains(k)) unused.add(k);
        });
        return unused;
    }

    default WireRequest toWire(EmbeddingRequest request, Deployment target) {
        throw new GatewayException.Unsupported("provider '" + id() + "' does not offer embeddings", "model");
    }

    default EmbeddingResponse embeddingsFromWire(WireResponse response, EmbeddingRequest request) {
        throw new GatewayException.Unsupported("provider '" + id() + "' does not offer embeddings", "model");
    }

    /**
     * Whether {@link #embeddingsFromBody} parses an embeddings answer as it arrives (a large batch's answer is tens of
     * MB), under {@code max-embeddings-response-bytes}. Otherwise the answer is read whole, under the bounds of every
     * answer read whole ({@code max-response-bytes}, room in {@code max-buffered-body-bytes}), and handed to
     * {@link #embeddingsFromWire}.
     */
    default boolean parsesEmbeddingsAsTheyArrive() {
        return false;
    }

    /** The embeddings of a successful answer as it arrives; called only when {@link #parsesEmbeddingsAsTheyArrive}. */
    default EmbeddingResponse embeddingsFromBody(int status, WireHeaders headers, InputStream body, EmbeddingRequest request)
            throws IOException {
        throw new UnsupportedOperationException("provider '" + id() + "' reads embeddings answers whole");
    }
}
