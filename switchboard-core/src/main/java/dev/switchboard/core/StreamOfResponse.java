package dev.switchboard.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.wire.Json;
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
     * without Anthropic's thinking parts (another provider's) comes first, as a live stream of it does, and a refusal
     * before the text. What an OpenAI-compatible upstream sent beside the text travels too, where its live stream puts
     * it: the choice's log-probs and the message's unmodelled fields on the first chunk, the choice's own on the last,
     * the system fingerprint and service tier on every chunk.
     */
    public static List<ChatChunk> chunks(ChatResponse r) {
        List<ChatChunk> chunks = new ArrayList<>();
        Optional<ObjectNode> chunkExtras = r.serviceTier().map(t -> Json.object().put("service_tier", t));
        for (Choice c : r.choices()) {
            int i = c.index();
            List<ChunkChoice> out = new ArrayList<>();
            out.add(new ChunkChoice(i, Optional.of(c.message().role()), Optional.of(""), Optional.empty(), List.of(),
                    Optional.empty(), c.logprobs(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    c.message().extras()));
            boolean thinkingParts = c.message().content().stream()
                    .anyMatch(p -> p instanceof ContentPart.Thinking || p instanceof ContentPart.RedactedThinking);
            if (!thinkingParts) c.message().reasoning().filter(t -> !t.isEmpty()).ifPresent(t -> out.add(ChunkChoice.reasoning(i, t)));
            c.message().refusal().filter(t -> !t.isEmpty()).ifPresent(t -> out.add(ChunkChoice.refusal(i, t)));
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
            c.finishReason().ifPresent(f -> out.add(new ChunkChoice(i, Optional.empty(), Optional.empty(), Optional.empty(),
                    List.of(), Optional.of(f), Optional.empty(), Optional.empty(), c.stopSequence(), Optional.empty(),
                    Optional.empty(), Optional.empty(), c.extras())));
            for (ChunkChoice choice : out) chunks.add(chunk(r, List.of(choice), Optional.empty(), chunkExtras));
        }
        r.usage().ifPresent(u -> chunks.add(chunk(r, List.of(), Optional.of(u), chunkExtras)));
        return chunks;
    }

    private static ChatChunk chunk(ChatResponse r, List<ChunkChoice> choices, Optional<Usage> usage,
            Optional<ObjectNode> extras) {
        return new ChatChunk(r.id(), r.created(), r.model(), choices, usage, r.systemFingerprint(), extras);
    }
}
