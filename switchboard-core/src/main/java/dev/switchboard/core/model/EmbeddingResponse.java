package dev.switchboard.core.model;

import java.util.List;

/** Embedding vectors, one per input, in input order. */
public record EmbeddingResponse(String model, List<float[]> vectors, Usage usage) {
    public EmbeddingResponse {
        vectors = List.copyOf(vectors);
    }

    public EmbeddingResponse withModel(String newModel) {
        return new EmbeddingResponse(newModel, vectors, usage);
    }
}
