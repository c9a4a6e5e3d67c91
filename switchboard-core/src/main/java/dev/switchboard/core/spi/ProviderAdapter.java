package dev.switchboard.core.spi;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;

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

    default WireRequest toWire(EmbeddingRequest request, Deployment target) {
        throw new GatewayException.Unsupported("provider '" + id() + "' does not offer embeddings", "model");
    }

    default EmbeddingResponse embeddingsFromWire(WireResponse response, EmbeddingRequest request) {
        throw new GatewayException.Unsupported("provider '" + id() + "' does not offer embeddings", "model");
    }
}
