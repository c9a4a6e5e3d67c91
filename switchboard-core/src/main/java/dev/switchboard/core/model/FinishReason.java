package dev.switchboard.core.model;

import java.util.Locale;

/** Why generation stopped, in OpenAI's vocabulary (the canonical one). */
public enum FinishReason {
    STOP, LENGTH, TOOL_CALLS, CONTENT_FILTER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FinishReason parse(String wire) {
        return switch (wire) {
            case "length" -> LENGTH;
            case "tool_calls", "function_call" -> TOOL_CALLS;
            case "content_filter" -> CONTENT_FILTER;
            default -> STOP;
        };
    }
}
