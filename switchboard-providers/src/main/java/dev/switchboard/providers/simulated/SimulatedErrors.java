package dev.switchboard.providers.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.time.Duration;

/** The simulated server's OpenAI-format error objects → the gateway's error hierarchy. */
final class SimulatedErrors {
    private SimulatedErrors() {}

    static GatewayException map(int status, WireHeaders headers, byte[] body) {
        JsonNode error = Json.object();
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.path("error").isObject()) error = node.get("error");
        } catch (IOException e) {
            // keep the defaults below
        }
        String message = error.path("message").asText("simulated upstream error (HTTP " + status + ")");
        String code = error.path("code").asText("");
        Duration retryAfter = headers.first("retry-after").map(SimulatedErrors::seconds).orElse(null);
        if (code.equals("context_length_exceeded")) return new GatewayException.ContextWindowExceeded(message);
        if (code.equals("content_filter")) return new GatewayException.ContentFiltered(message);
        return switch (status) {
            case 401 -> new GatewayException.AuthenticationFailed(message);
            case 403 -> new GatewayException.PermissionDenied(message);
            case 404 -> new GatewayException.NotFound(message, "model", code.isEmpty() ? null : code);
            case 413 -> new GatewayException.PayloadTooLarge(message);
            case 429 -> new GatewayException.RateLimited(message, retryAfter);
            case 503, 529 -> new GatewayException.Overloaded(message, retryAfter);
            case 504 -> new GatewayException.UpstreamTimeout(message);
            default -> status >= 500 || status == 408 || status == 409
                    ? new GatewayException.UpstreamError(message, status, retryAfter)
                    : new GatewayException.BadRequest(message, error.path("param").isTextual() ? error.get("param").asText() : null);
        };
    }

    private static Duration seconds(String v) {
        try {
            return Duration.ofSeconds(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
