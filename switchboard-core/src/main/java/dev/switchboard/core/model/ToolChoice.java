package dev.switchboard.core.model;

import java.util.List;
import java.util.Optional;

/** How the model may use the tools it was given. */
public sealed interface ToolChoice {
    /** Why no answer can follow this choice with these tools (a forced call with none, an unknown tool), if none can. */
    default Optional<String> unmetBy(List<Tool> tools) {
        return switch (this) {
            case Required r when tools.isEmpty() -> Optional.of("a tool call is required, but no tools are given");
            case Named n when tools.stream().noneMatch(t -> t.name().equals(n.name())) ->
                    Optional.of("tool '" + n.name() + "' is not among the tools given");
            default -> Optional.empty();
        };
    }

    record Auto() implements ToolChoice {}

    record None() implements ToolChoice {}

    /** The model must call at least one tool ("required" in OpenAI, "any" in Anthropic). */
    record Required() implements ToolChoice {}

    /** The model must call this tool. */
    record Named(String name) implements ToolChoice {}
}
