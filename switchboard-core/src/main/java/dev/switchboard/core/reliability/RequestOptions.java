package dev.switchboard.core.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.Exchange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reliability fields a LiteLLM client may put in an OpenAI-format body: {@code fallbacks} (model groups
 * to try after the requested one, as strings or {@code {"model": ...}} objects) and {@code timeout}
 * (seconds, or text such as "30s"). They are the gateway's, not the upstream's: {@link #strip} removes
 * them before the body is forwarded, so an OpenAI-compatible upstream never sees (and rejects) them.
 * The header {@value #TIMEOUT_HEADER} sets the same per-request timeout for any ingress.
 */
public record RequestOptions(List<String> fallbacks, Optional<Duration> timeout) {
    public static final String TIMEOUT_HEADER = "x-switchboard-timeout";
    static final Set<String> BODY_FIELDS = Set.of("fallbacks", "timeout");
    private static final RequestOptions NONE = new RequestOptions(List.of(), Optional.empty());
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    public RequestOptions {
        fallbacks = List.copyOf(fallbacks);
    }

    /** Reads the fields from the request's OpenAI body; a malformed one is a 400 naming it. */
    public static RequestOptions read(ChatRequest chat) {
        if (chat.openAiBody().isEmpty()) return NONE;
        ObjectNode body = chat.openAiBody().get();
        JsonNode f = body.get("fallbacks");
        JsonNode t = body.get("timeout");
        if ((f == null || f.isNull()) && (t == null || t.isNull())) return NONE;
        List<String> fallbacks = new ArrayList<>();
        if (f != null && !f.isNull()) {
            if (!f.isArray()) throw bad("Invalid type for 'fallbacks': expected an array of model names.", "fallbacks");
            for (JsonNode item : f) {
                JsonNode name = item.isObject() ? item.get("model") : item;
                if (name == null || !name.isTextual() || name.asText().isBlank()) {
                    throw bad("Invalid value in 'fallbacks': expected a model name or {\"model\": name}.", "fallbacks");
                }
                fallbacks.add(name.asText());
            }
        }
        Optional<Duration> timeout = Optional.empty();
        if (t != null && !t.isNull()) {
            if (t.isNumber()) timeout = Optional.of(positive(Duration.ofMillis(Math.round(t.asDouble() * 1000)), "timeout"));
            else if (t.isTextual()) timeout = Optional.of(parseTimeout(t.asText(), "timeout"));
            else throw bad("Invalid type for 'timeout': expected a number of seconds.", "timeout");
        }
        return new RequestOptions(fallbacks, timeout);
    }

    /** The request without the gateway's own fields in its OpenAI body; the same object when it has none. */
    public static ChatRequest strip(ChatRequest chat) {
        if (chat.openAiBody().isEmpty()) return chat;
        ObjectNode body = chat.openAiBody().get();
        if (!hasAny(body, BODY_FIELDS)) return chat;
        ObjectNode copy = body.deepCopy();
        copy.remove(BODY_FIELDS);
        return chat.toBuilder().openAiBody(copy).build();
    }

    private static boolean hasAny(ObjectNode body, Set<String> fields) {
        for (String field : fields) {
            if (body.has(field)) return true;
        }
        return false;
    }

    /** A timeout as a client writes it: seconds ("30", "2.5") or with a unit ("500ms", "30s", "2m"). */
    public static Duration parseTimeout(String text, String param) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) throw bad("Invalid value for '" + param + "': expected seconds or a duration such as 30s.", param);
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> v;
            case "m" -> v * 60_000;
            default -> v * 1000;
        };
        return positive(Duration.ofMillis(Math.round(millis)), param);
    }

    /**
     * The exchange with its deadline moved earlier to {@code start + timeout}; never later. Compared as durations
     * first: a timeout as long as the time left cannot shorten it, however large (99999999999s is past what
     * {@link Duration#toNanos()} holds).
     */
    public static Exchange shorten(Exchange exchange, Duration timeout) {
        if (timeout.compareTo(Duration.ofNanos(exchange.deadlineNanos() - exchange.startNanos())) >= 0) return exchange;
        return exchange.withDeadline(exchange.startNanos() + timeout.toNanos());
    }

    private static Duration positive(Duration d, String param) {
        if (d.isNegative() || d.isZero()) throw bad("Invalid value for '" + param + "': must be positive.", param);
        return d;
    }

    private static GatewayException.BadRequest bad(String message, String param) {
        return new GatewayException.BadRequest(message, param);
    }
}
