package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** The shape the answer must take. */
public sealed interface ResponseFormat {
    record Text() implements ResponseFormat {}

    record JsonObject() implements ResponseFormat {}

    record JsonSchema(String name, JsonNode schema, Optional<Boolean> strict, Optional<String> description)
            implements ResponseFormat {}
}
