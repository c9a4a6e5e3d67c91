package dev.switchboard.providers.openai;

import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.spi.ProviderAdapter;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import java.io.IOException;
import java.io.InputStream;

/** An adapter whose embeddings answers are in OpenAI's format: parsed as they arrive, or from a whole answer. */
public interface OpenAiEmbeddingsAnswers extends ProviderAdapter {
    @Override
    default EmbeddingResponse embeddingsFromWire(WireResponse response, EmbeddingRequest request) {
        return OpenAiEmbeddingsCodec.parseResponse(response.body(), id());
    }

    @Override
    default boolean parsesEmbeddingsAsTheyArrive() {
        return true;
    }

    @Override
    default EmbeddingResponse embeddingsFromBody(int status, WireHeaders headers, InputStream body, EmbeddingRequest request)
            throws IOException {
        return OpenAiEmbeddingsCodec.parseResponse(body, id());
    }
}
