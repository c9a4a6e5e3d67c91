package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** One completed answer; {@code n > 1} asks for several. */
public record Choice(int index, Message message, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs) {}
