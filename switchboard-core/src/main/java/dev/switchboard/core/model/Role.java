package dev.switchboard.core.model;

import java.util.Locale;
import java.util.Optional;

/** Who wrote a message. Wire names follow OpenAI's chat format. */
public enum Role {
    SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String wire) {
        return switch (wire) {
            case "system" -> Optional.of(SYSTEM);
            case "developer" -> Optional.of(DEVELOPER);
            case "user" -> Optional.of(USER);
            case "assistant" -> Optional.of(ASSISTANT);
            case "tool" -> Optional.of(TOOL);
            default -> Optional.empty();
        };
    }

    /** System and developer messages both carry instructions; most providers have one slot for them. */
    public boolean isInstruction() {
        return this == SYSTEM || this == DEVELOPER;
    }
}
