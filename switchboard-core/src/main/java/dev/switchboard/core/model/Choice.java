package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One completed answer; {@code n > 1} asks for several.
 *
 * @param stopSequence the stop sequence that ended the answer, when the provider says which (Anthropic does)
 * @param extras the fields of an OpenAI-compatible upstream's choice that the gateway does not model (Azure's
 *     {@code content_filter_results}, ...): written back unchanged, as {@link Message#extras()} are
 */
public record Choice(int index, Message message, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
        Optional<String> stopSequence, Optional<ObjectNode> extras) {

    public Choice(int index, Message message, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs) {
        this(index, message, finishReason, logprobs, Optional.empty());
    }

    public Choice(int index, Message message, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
            Optional<String> stopSequence) {
        this(index, message, finishReason, logprobs, stopSequence, Optional.empty());
    }
}
