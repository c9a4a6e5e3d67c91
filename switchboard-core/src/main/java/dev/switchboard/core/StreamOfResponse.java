package dev.switchboard.core;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.pipeline.ChatStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Presents a complete response as a stream (for a stage that answers whole, e.g. a cache hit). */
public final class StreamOfResponse {
    private StreamOfResponse() {}

    public static ChatStream of(ChatResponse r) {
        return ChatStream.of(chunks(r));
    }

    public static List<ChatChunk> chunks(ChatResponse r) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (Choice c : r.choices()) {
            chunks.add(ChatChunk.of(r.id(), r.created(), r.model(), ChunkChoice.role(c.index(), c.message().role())));
            String text = c.message().text();
            if (!text.isEmpty()) chunks.add(ChatChunk.of(r.id(), r.created(), r.model(), ChunkChoice.content(c.index(), text)));
            List<ToolCallDelta> deltas = new ArrayList<>();
            List<ToolCall> calls = c.message().toolCalls();
            for (int i = 0; i < calls.size(); i++) {
                ToolCall call = calls.get(i);
                deltas.add(new ToolCallDelta(i, Optional.of(call.id()), Optional.of(call.name()), Optional.of(call.arguments())));
            }
            if (!deltas.isEmpty()) chunks.add(ChatChunk.of(r.id(), r.created(), r.model(), ChunkChoice.toolCalls(c.index(), deltas)));
            c.finishReason().ifPresent(f -> chunks.add(ChatChunk.of(r.id(), r.created(), r.model(),
                    ChunkChoice.finish(c.index(), f, c.stopSequence()))));
        }
        r.usage().ifPresent(u -> chunks.add(ChatChunk.usage(r.id(), r.created(), r.model(), u)));
        return chunks;
    }
}
