package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A request as the fake upstream received it, for assertions. {@code query} is the raw query string ({@code ""} when
 * there was none). {@code clientPort} tells connections apart: two requests with the same port came over one
 * kept-alive connection.
 */
public record RecordedRequest(String method, String path, String query, WireHeaders headers, byte[] body, int clientPort) {
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode bodyJson() {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
