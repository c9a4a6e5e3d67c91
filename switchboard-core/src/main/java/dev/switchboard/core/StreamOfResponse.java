package dev.switchboard.core;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
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

    /** Each choice's content in its order, as an Anthropic upstream streams it: each text part a block of its own. */
    public static List<ChatChunk> chunks(ChatResponse r) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (Choice c : r.choices()) {
            chunks.add(ChatChunk.of(r.id(), r.created(), r.model(), ChunkChoice.role(c.index(), c.message().role())));
            for (ContentPart part : c.message().contentWithCalls()) {
                if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
                    chunks.add(ChatChunk.of(r.id(), r.created(), r.model(), ChunkChoice.textBlock(c.index(), t.text())));
                } else if (part instanceof ContentPart.ToolUse u) {
                    ToolCall call = c.message().toolCalls().get(u.call());
                    chunks.add(ChatChunk.of(r.id(), r.created(), r.model(), ChunkChoice.toolCalls(c.index(), List.of(
                            new ToolCallDelta(u.call(), Optional.of(call.id()), Optional.of(call.name()),
                                    Optional.of(call.arguments()))))));
                }
            }
            c.finishReason().ifPresent(f -> chunks.add(ChatChunk.of(r.id(), r.created(), r.model(),
                    ChunkChoice.finish(c.index(), f, c.stopSequence()))));
        }
        r.usage().ifPresent(u -> chunks.add(ChatChunk.usage(r.id(), r.created(), r.model(), u)));
        return chunks;
    }
}
