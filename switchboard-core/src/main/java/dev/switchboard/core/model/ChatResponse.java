package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * A complete (non-streamed) chat answer in canonical form.
 *
 * @param extras the top-level fields of an OpenAI-compatible upstream's answer that the gateway does not model:
 *     written back unchanged
 */
public record ChatResponse(
        String id,
        long created,
        String model,
        List<Choice> choices,
        Optional<Usage> usage,
        Optional<String> systemFingerprint,
        Optional<String> serviceTier,
        Optional<ObjectNode> extras) {

    public ChatResponse {
        choices = List.copyOf(choices);
    }

    public ChatResponse(String id, long created, String model, List<Choice> choices, Optional<Usage> usage,
            Optional<String> systemFingerprint, Optional<String> serviceTier) {
        this(id, created, model, choices, usage, systemFingerprint, serviceTier, Optional.empty());
    }

    /** Text of the first choice, or "" when there is none. */
    public String text() {
        return choices.isEmpty() ? "" : choices.getFirst().message().text();
    }

    /** Why the first choice ended, when there is one and it says. */
    public Optional<FinishReason> finishReason() {
        return choices.isEmpty() ? Optional.empty() : choices.getFirst().finishReason();
    }

    public ChatResponse withModel(String newModel) {
        return new ChatResponse(id, created, newModel, choices, usage, systemFingerprint, serviceTier, extras);
    }

    public ChatResponse withId(String newId) {
        return new ChatResponse(newId, created, model, choices, usage, systemFingerprint, serviceTier, extras);
    }
}
