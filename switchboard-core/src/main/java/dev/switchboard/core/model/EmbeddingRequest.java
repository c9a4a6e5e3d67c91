package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A request for embeddings. {@code input} holds the texts; a client that sent token arrays has
 * {@code tokenInput} set and its body kept in {@code openAiBody} (only OpenAI-compatible upstreams accept
 * tokens). The gateway always asks upstreams for floats and encodes base64 itself when asked.
 */
public record EmbeddingRequest(
        String model,
        List<String> input,
        boolean tokenInput,
        OptionalInt dimensions,
        boolean base64,
        Optional<String> user,
        Optional<ObjectNode> openAiBody) implements GatewayRequest {

    public EmbeddingRequest {
        Objects.requireNonNull(model, "model");
        input = List.copyOf(input);
    }

    public static EmbeddingRequest of(String model, List<String> input) {
        return new EmbeddingRequest(model, input, false, OptionalInt.empty(), false, Optional.empty(), Optional.empty());
    }

    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, input, tokenInput, dimensions, base64, user, openAiBody);
    }
}
