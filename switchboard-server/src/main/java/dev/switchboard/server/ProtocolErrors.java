package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.wire.Json;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http1.Http1Config;
import java.util.Locale;

/**
 * Answers what the web server refuses before any route sees it (a malformed URL escape, a request line or headers
 * over their limits): an OpenAI error object and an {@code x-request-id}, like every other answer, instead of an
 * empty body. The server is configured to pass on its own reason when it is a fixed sentence (it says what to fix).
 */
final class ProtocolErrors implements DirectHandler {
    private static final int MAX_MESSAGE = 300;
    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
    private static final String HIDDEN_REASON = "Bad request, see server log";

    private final int maxHeaderBytes;
    private final int maxRequestLineBytes;

    /** The limits the server was given ({@code Http1Config}), named in the errors for going past them. */
    ProtocolErrors(Http1Config limits) {
        this.maxHeaderBytes = limits.maxHeadersSize();
        this.maxRequestLineBytes = limits.maxPrologueLength();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType event, Status status, ServerResponseHeaders headers,
            String message) {
        if (message != null && message.toLowerCase(Locale.ROOT).contains("content") && message.toLowerCase(Locale.ROOT)
                .contains("encoding") && request.headers().contains(HeaderNames.CONTENT_ENCODING)) {
            // The server decodes no request Content-Encoding: say so with the status that means it, and what to do.
            status = Status.UNSUPPORTED_MEDIA_TYPE_415;
            message = "Content-Encoding '" + request.headers().get(HeaderNames.CONTENT_ENCODING).get()
                    + "' is not supported; send the request body uncompressed, without a Content-Encoding header.";
        }
        if (status.code() == 400 && "Header size exceeded".equals(message)) {
            // Helidon says 400; 431 is the status that names the problem (RFC 6585 §5), and the client can act on it.
            status = HEADERS_TOO_LARGE;
            message = "Request header fields too large: the request's header lines together exceed the server's limit of "
                    + maxHeaderBytes + " bytes (switchboard.server.max-header-bytes).";
        }
        if (status.code() == Status.REQUEST_URI_TOO_LONG_414.code()) {
            message = "Request line too long: the method, URL and protocol exceed the server's limit of "
                    + maxRequestLineBytes + " bytes (switchboard.server.max-request-line-bytes).";
        }
        // Helidon's stand-in for a reason it keeps to itself points at a log the client cannot read.
        String reason = message == null || message.isBlank() || message.startsWith(HIDDEN_REASON) ? status.reasonPhrase() : message;
        if (reason.length() > MAX_MESSAGE) reason = reason.substring(0, MAX_MESSAGE) + "…";
        String requestId = Switchboard.newRequestId();
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpIo.REQUEST_ID, requestId)
                .keepAlive(event.keepAlive())
                .entity(Json.bytes(error(request.path(), status.code(), "The request could not be read: " + reason, requestId)))
                .build();
    }

    /** An error object in the shape of the endpoint at {@code path}: Anthropic's on its endpoint, OpenAI's elsewhere. */
    static ObjectNode error(String path, int status, String text, String requestId) {
        ObjectNode error = Json.object();
        if (path != null && AnthropicEndpoints.isMessagesPath(path)) {
            // As the endpoint's own errors (AnthropicEndpoints.sendError).
            error.put("type", "error").putObject("error")
                    .put("type", status >= 500 ? "api_error" : "invalid_request_error")
                    .put("message", text);
            error.put("request_id", requestId);
        } else {
            error.putObject("error")
                    .put("message", text)
                    .put("type", status >= 500 ? "server_error" : "invalid_request_error")
                    .putNull("param")
                    .putNull("code");
        }
        return error;
    }
}
