package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * One completed answer; {@code n > 1} asks for several.
 *
 * @param stopSequence the stop sequence that ended the answer, when the provider says which (Anthropic does)
 */
public record Choice(int index, Message message, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
        Optional<String> stopSequence) {

    public Choice(int index, Message message, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs) {
        this(index, message, finishReason, logprobs, Optional.empty());
    }
}
