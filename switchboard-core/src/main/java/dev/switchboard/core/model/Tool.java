package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** A function the model may call; {@code parameters} is a JSON Schema object. */
public record Tool(String name, Optional<String> description, JsonNode parameters, Optional<Boolean> strict) {}
