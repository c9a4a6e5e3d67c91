package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.wire.Json;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers what the web server refuses before any route sees it (a malformed URL escape, a request line or headers
 * over their limits): an OpenAI error object and an {@code x-request-id}, like every other answer, instead of an
 * empty body.
 */
final class ProtocolErrors implements DirectHandler {
    private static final int MAX_MESSAGE = 300;

    @Override
    public TransportResponse handle(TransportRequest request, EventType event, Status status, ServerResponseHeaders headers,
            String message) {
        String reason = message == null || message.isBlank() ? status.reasonPhrase() : message;
        if (reason.length() > MAX_MESSAGE) reason = reason.substring(0, MAX_MESSAGE) + "…";
        ObjectNode error = Json.object();
        error.putObject("error")
                .put("message", "The request could not be read: " + reason)
                .put("type", status.code() >= 500 ? "server_error" : "invalid_request_error")
                .putNull("param")
                .putNull("code");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpIo.REQUEST_ID, Switchboard.newRequestId())
                .keepAlive(event.keepAlive())
                .entity(Json.bytes(error))
                .build();
    }
}
