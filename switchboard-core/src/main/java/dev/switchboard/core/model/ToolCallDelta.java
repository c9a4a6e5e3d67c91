package dev.switchboard.core.model;

import java.util.Optional;

/**
 * A fragment of a streamed tool call: the first fragment of call {@code index} carries id and name,
 * later ones append to the arguments.
 */
public record ToolCallDelta(int index, Optional<String> id, Optional<String> name, Optional<String> arguments) {}
