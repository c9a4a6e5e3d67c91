package dev.switchboard.core.pipeline;

import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingResponse;

/** What the pipeline answers: a complete chat response, a stream of chunks, or embeddings. */
public sealed interface Reply {
    record Complete(ChatResponse response) implements Reply {}

    /** A stream read on the caller's (virtual) thread; the caller must close it. */
    record Streaming(ChatStream stream) implements Reply {}

    record Embeddings(EmbeddingResponse response) implements Reply {}
}
