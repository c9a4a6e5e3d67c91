package dev.switchboard.providers.anthropic;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.reliability.RetryAfter;
import dev.switchboard.core.spi.WireHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Anthropic's error answers mapped into the gateway's hierarchy. Reference:
 * https://docs.anthropic.com/en/api/errors — every error is {@code {"type":"error","error":{"type","message"}}}
 * with one of: invalid_request_error 400, authentication_error 401, permission_error 403, not_found_error 404,
 * request_too_large 413, rate_limit_error 429, api_error 500, overloaded_error 529 (plus billing_error 402 and
 * timeout_error 504, which the API also uses).
 */
public final class AnthropicErrors {
    private static final String PROVIDER = "anthropic";

    private AnthropicErrors() {}

    /** Maps a non-2xx HTTP answer. The body's error type wins over the status when both are present. */
    public static GatewayException fromResponse(int status, WireHeaders headers, byte[] body, long nowEpochMillis) {
        Optional<AnthropicWire.ErrorBody> error = parse(body);
        String type = error.map(AnthropicWire.ErrorBody::type).orElseGet(() -> typeForStatus(status));
        String message = error.map(AnthropicWire.ErrorBody::message).filter(m -> !m.isBlank())
                .orElseGet(() -> fallbackMessage(status, body));
        return map(type, message, status, RetryAfter.from(headers, nowEpochMillis).orElse(null));
    }

    /** Maps an {@code error} event received in the middle of a stream (there is no HTTP status then). */
    public static GatewayException fromStreamError(AnthropicWire.ErrorBody error) {
        String type = error == null || error.type() == null ? "api_error" : error.type();
        String message = error == null || error.message() == null ? "stream error" : error.message();
        return map(type, message, statusForType(type), null);
    }

    static GatewayException map(String type, String message, int status, Duration retryAfter) {
        String text = PROVIDER + ": " + message;
        return switch (type) {
            case "invalid_request_error" -> isContextOverflow(message)
                    ? new GatewayException.ContextWindowExceeded(text)
                    : new GatewayException.BadRequest(text, null);
            case "authentication_error" -> new GatewayException.AuthenticationFailed(text);
            case "permission_error" -> new GatewayException.PermissionDenied(text);
            case "not_found_error" -> new GatewayException.NotFound(text, null, "not_found");
            case "request_too_large" -> new GatewayException.PayloadTooLarge(text);
            case "rate_limit_error" -> new GatewayException.RateLimited(text, retryAfter);
            case "overloaded_error" -> new GatewayException.Overloaded(text, retryAfter);
            case "timeout_error" -> new GatewayException.UpstreamTimeout(text);
            // billing_error, api_error and types added later: the upstream failed, another deployment may not.
            default -> new GatewayException.UpstreamError(text, status, retryAfter);
        };
    }

    /**
     * Anthropic says "prompt is too long: 208656 tokens > 200000 maximum", or "input length and `max_tokens`
     * exceed context limit: ..." when prompt plus output do not fit.
     */
    static boolean isContextOverflow(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("prompt is too long") || m.contains("exceed context limit")
                || m.contains("context window") || m.contains("context length");
    }

    static String typeForStatus(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
        };
    }

    static int statusForType(String type) {
        return switch (type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 500;
        };
    }

    private static Optional<AnthropicWire.ErrorBody> parse(byte[] body) {
        if (body == null || body.length == 0) return Optional.empty();
        try {
            AnthropicWire.ErrorResponse r = AnthropicWire.read(body, AnthropicWire.ErrorResponse.class);
            return r == null || r.error() == null || r.error().type() == null ? Optional.empty() : Optional.of(r.error());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // e.g. an HTML page from a proxy in front of the API
        }
    }

    private static String fallbackMessage(int status, byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
        if (text.length() > 200) text = text.substring(0, 200) + "...";
        return "HTTP " + status + (text.isEmpty() ? "" : ": " + text);
    }
}
