package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A function the model may call; {@code parameters} is a JSON Schema object. {@code cacheControl} is an Anthropic
 * prompt-cache breakpoint on the tool's definition; only the Anthropic upstream gets it.
 */
public record Tool(String name, Optional<String> description, JsonNode parameters, Optional<Boolean> strict,
        Optional<JsonNode> cacheControl) {

    public Tool(String name, Optional<String> description, JsonNode parameters, Optional<Boolean> strict) {
        this(name, description, parameters, strict, Optional.empty());
    }
}
