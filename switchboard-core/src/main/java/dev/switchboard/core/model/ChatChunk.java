package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * One event of a streamed answer, shaped like OpenAI's {@code chat.completion.chunk} (the canonical
 * stream vocabulary). A usage-only chunk has no choices.
 *
 * @param extras the top-level fields of an OpenAI-compatible upstream's chunk that the gateway does not model
 *     ({@code service_tier}, ...): written back unchanged
 */
public record ChatChunk(
        String id,
        long created,
        String model,
        List<ChunkChoice> choices,
        Optional<Usage> usage,
        Optional<String> systemFingerprint,
        Optional<ObjectNode> extras) {

    public ChatChunk {
        choices = List.copyOf(choices);
    }

    public ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Optional<Usage> usage,
            Optional<String> systemFingerprint) {
        this(id, created, model, choices, usage, systemFingerprint, Optional.empty());
    }

    public static ChatChunk of(String id, long created, String model, ChunkChoice choice) {
        return new ChatChunk(id, created, model, List.of(choice), Optional.empty(), Optional.empty());
    }

    public static ChatChunk usage(String id, long created, String model, Usage usage) {
        return new ChatChunk(id, created, model, List.of(), Optional.of(usage), Optional.empty());
    }

    public ChatChunk withModel(String newModel) {
        return new ChatChunk(id, created, newModel, choices, usage, systemFingerprint, extras);
    }

    public ChatChunk withId(String newId) {
        return new ChatChunk(newId, created, model, choices, usage, systemFingerprint, extras);
    }
}
