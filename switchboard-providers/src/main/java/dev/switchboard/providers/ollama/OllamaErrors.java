package dev.switchboard.providers.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.reliability.RetryAfter;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Ollama's errors ({@code {"error":"..."}} with an HTTP status, or an {@code error} line inside a stream)
 * mapped onto the gateway's hierarchy. Ollama has no error codes, so the context-window case is
 * recognised by its message ("exceeds maximum context length", "context length exceeded", ...).
 */
final class OllamaErrors {
    private static final Pattern CONTEXT_WINDOW = Pattern.compile(
            "context (length|window|size)|maximum context|exceeds (the )?(maximum )?(context|input) length|too many tokens");

    private OllamaErrors() {}

    static GatewayException map(int status, WireHeaders headers, byte[] body, long nowEpochMillis) {
        String message = message(body);
        Optional<Duration> retryAfter = RetryAfter.from(headers, nowEpochMillis);
        return map(status, message, retryAfter.orElse(null));
    }

    /** An error line in a stream that had already started with 200. */
    static GatewayException midStream(String message) {
        return map(500, message, null);
    }

    static GatewayException map(int status, String message, Duration retryAfter) {
        String text = "Ollama: " + message;
        if (isContextWindow(message)) return new GatewayException.ContextWindowExceeded(text);
        return switch (status) {
            case 400, 422 -> new GatewayException.BadRequest(text, null);
            case 401 -> new GatewayException.AuthenticationFailed(text);
            case 403 -> new GatewayException.PermissionDenied(text);
            case 404 -> new GatewayException.NotFound(text, "model", "model_not_found");
            case 413 -> new GatewayException.PayloadTooLarge(text);
            case 429 -> new GatewayException.RateLimited(text, retryAfter);
            case 503 -> new GatewayException.Overloaded(text, retryAfter);
            case 504 -> new GatewayException.UpstreamTimeout(text);
            default -> status >= 500 || status == 408 || status == 409
                    ? new GatewayException.UpstreamError(text, status, retryAfter)
                    : new GatewayException.BadRequest(text + " (HTTP " + status + ")", null);
        };
    }

    static boolean isContextWindow(String message) {
        return CONTEXT_WINDOW.matcher(message.toLowerCase(Locale.ROOT)).find();
    }

    /** The {@code error} text, or the raw body when it is not Ollama's JSON (a proxy's HTML page, say). */
    private static String message(byte[] body) {
        if (body.length == 0) return "no error message in the response";
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.path("error").isTextual()) return node.get("error").asText();
        } catch (IOException e) {
            // not JSON: fall through to the raw text
        }
        String raw = new String(body, StandardCharsets.UTF_8).strip();
        return raw.length() > 500 ? raw.substring(0, 500) + "…" : raw;
    }
}
