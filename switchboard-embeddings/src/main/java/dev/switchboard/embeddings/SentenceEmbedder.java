package dev.switchboard.embeddings;

import java.util.List;

/** Turns texts into unit-length vectors whose dot product is their cosine similarity. */
public interface SentenceEmbedder {
    List<float[]> embed(List<String> texts);

    default float[] embed(String text) {
        return embed(List.of(text)).getFirst();
    }
}
