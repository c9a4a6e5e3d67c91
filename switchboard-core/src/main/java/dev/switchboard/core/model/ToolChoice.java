package dev.switchboard.core.model;

/** How the model may use the tools it was given. */
public sealed interface ToolChoice {
    record Auto() implements ToolChoice {}

    record None() implements ToolChoice {}

    /** The model must call at least one tool ("required" in OpenAI, "any" in Anthropic). */
    record Required() implements ToolChoice {}

    /** The model must call this tool. */
    record Named(String name) implements ToolChoice {}
}
