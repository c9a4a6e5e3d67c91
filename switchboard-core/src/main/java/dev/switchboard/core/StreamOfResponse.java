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

    /**
     * Each choice's content in its order, as an Anthropic upstream streams it: thinking with its signature, redacted
     * thinking whole, each text part a block of its own with its citations, each tool call in its place. Reasoning
     * without Anthropic's thinking parts (another provider's) comes first, as a live stream of it does.
     */
    public static List<ChatChunk> chunks(ChatResponse r) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (Choice c : r.choices()) {
            int i = c.index();
            List<ChunkChoice> out = new ArrayList<>();
            out.add(ChunkChoice.role(i, c.message().role()));
            boolean thinkingParts = c.message().content().stream()
                    .anyMatch(p -> p instanceof ContentPart.Thinking || p instanceof ContentPart.RedactedThinking);
            if (!thinkingParts) c.message().reasoning().filter(t -> !t.isEmpty()).ifPresent(t -> out.add(ChunkChoice.reasoning(i, t)));
            for (ContentPart part : c.message().contentWithCalls()) {
                switch (part) {
                    case ContentPart.Thinking t -> {
                        if (!t.thinking().isEmpty()) out.add(ChunkChoice.reasoning(i, t.thinking()));
                        if (!t.signature().isEmpty()) out.add(ChunkChoice.reasoningSignature(i, t.signature()));
                    }
                    case ContentPart.RedactedThinking x -> out.add(ChunkChoice.redactedReasoning(i, x.data()));
                    case ContentPart.Text t when !t.text().isEmpty() -> {
                        out.add(ChunkChoice.textBlock(i, t.text()));
                        for (var citation : t.citations()) out.add(ChunkChoice.citation(i, citation, false));
                    }
                    case ContentPart.ToolUse u -> {
                        ToolCall call = c.message().toolCalls().get(u.call());
                        out.add(ChunkChoice.toolCalls(i, List.of(new ToolCallDelta(u.call(), Optional.of(call.id()),
                                Optional.of(call.name()), Optional.of(call.arguments())))));
                    }
                    default -> { }
                }
            }
            for (ChunkChoice choice : out) chunks.add(ChatChunk.of(r.id(), r.created(), r.model(), choice));
            c.finishReason().ifPresent(f -> chunks.add(ChatChunk.of(r.id(), r.created(), r.model(),
                    ChunkChoice.finish(c.index(), f, c.stopSequence()))));
        }
        r.usage().ifPresent(u -> chunks.add(ChatChunk.usage(r.id(), r.created(), r.model(), u)));
        return chunks;
    }
}
