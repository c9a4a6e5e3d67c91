package dev.switchboard.core.model;

import java.util.List;
import java.util.Optional;

/** A complete (non-streamed) chat answer in canonical form. */
public record ChatResponse(
        String id,
        long created,
        String model,
        List<Choice> choices,
        Optional<Usage> usage,
        Optional<String> systemFingerprint,
        Optional<String> serviceTier) {

    public ChatResponse {
        choices = List.copyOf(choices);
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
        return new ChatResponse(id, created, newModel, choices, usage, systemFingerprint, serviceTier);
    }

    public ChatResponse withId(String newId) {
        return new ChatResponse(newId, created, model, choices, usage, systemFingerprint, serviceTier);
    }
}
