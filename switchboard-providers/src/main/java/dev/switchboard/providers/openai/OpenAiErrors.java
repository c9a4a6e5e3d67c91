package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI's error answers ({@code {"error":{"message","type","param","code"}}}, see
 * https://platform.openai.com/docs/guides/error-codes) mapped into the gateway's hierarchy. Also reads the
 * shapes OpenAI-compatible servers use ({@code {"error":"text"}}, vLLM's {@code {"object":"error",
 * "message":...}}), and the wait hints: {@code retry-after-ms}, {@code retry-after} (seconds or an HTTP
 * date) and {@code x-ratelimit-reset-requests/-tokens} (durations such as {@code 6m0s} or {@code 12ms}).
 */
final class OpenAiErrors {
    private static final Pattern KEY = Pattern.compile("\\b(sk|rk|key)-[A-Za-z0-9_*.\\-]{3,}");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
    private static final int MAX_MESSAGE = 2000;

    private OpenAiErrors() {}

    /** A non-2xx answer. */
    static GatewayException map(int status, WireHeaders headers, byte[] body, Ticker ticker) {
        UpstreamError e = parse(body);
        String message = e.message().orElse("openai-compatible upstream answered HTTP " + status);
        Optional<Duration> wait = retryAfter(headers, ticker);
        // Only a client-error answer can be a rejection of the prompt; a 5xx mentioning a policy is still a 5xx.
        boolean rejection = status >= 400 && status < 500 && status != 401 && status != 429;
        if (rejection && e.contextWindow()) return new GatewayException.ContextWindowExceeded(message);
        if (rejection && e.contentFiltered()) return new GatewayException.ContentFiltered(message);
        return switch (status) {
            case 401 -> new GatewayException.AuthenticationFailed("the upstream rejected the gateway's credentials: " + message);
            case 403 -> new GatewayException.PermissionDenied(message);
            case 404 -> new GatewayException.NotFound(message, e.param().orElse(null), e.code().orElse(null));
            case 429 -> new GatewayException.RateLimited(message, wait.orElse(null));
            case 503, 529 -> new GatewayException.Overloaded(message, wait.orElse(null));
            case 408, 409 -> new GatewayException.UpstreamError(message, status, wait.orElse(null));
            case 422 -> new GatewayException.BadRequest(message, e.param().orElse(null), e.code().orElse(null), 422);
            default -> status >= 400 && status < 500
                    ? new GatewayException.BadRequest(message, e.param().orElse(null), e.code().orElse(null))
                    : new GatewayException.UpstreamError(message, status, wait.orElse(null));
        };
    }

    /** An {@code error} object inside a stream event: no HTTP status, so its type and code decide. */
    static GatewayException fromStreamEvent(JsonNode event, Ticker ticker) {
        UpstreamError e = parse(event);
        String kind = e.code().orElse("") + " " + e.type().orElse("");
        int status;
        if (kind.contains("rate_limit") || kind.contains("insufficient_quota")) status = 429;
        else if (kind.contains("overloaded")) status = 503;
        else if (kind.contains("invalid_request")) status = 400;
        else if (kind.contains("authentication") || kind.contains("invalid_api_key")) status = 401;
        else status = 500;
        String message = e.message().orElse("the upstream stream reported an error");
        if (e.contextWindow()) return new GatewayException.ContextWindowExceeded(message);
        if (e.contentFiltered()) return new GatewayException.ContentFiltered(message);
        return switch (status) {
            case 429 -> new GatewayException.RateLimited(message, null);
            case 503 -> new GatewayException.Overloaded(message, null);
            case 400 -> new GatewayException.BadRequest(message, e.param().orElse(null), e.code().orElse(null));
            case 401 -> new GatewayException.AuthenticationFailed("the upstream rejected the gateway's credentials: " + message);
            default -> new GatewayException.UpstreamError(message, 200, null);
        };
    }

    /** The fields of an upstream error, whatever shape it came in. */
    record UpstreamError(Optional<String> message, Optional<String> type, Optional<String> code, Optional<String> param) {
        boolean contextWindow() {
            String m = message.orElse("").toLowerCase(Locale.ROOT);
            return code.filter("context_length_exceeded"::equals).isPresent()
                    || m.contains("maximum context length") || m.contains("context_length_exceeded");
        }

        boolean contentFiltered() {
            String m = message.orElse("").toLowerCase(Locale.ROOT);
            return code.filter(c -> c.equals("content_filter") || c.equals("content_policy_violation")).isPresent()
                    || type.filter(t -> t.equals("content_filter") || t.equals("content_policy_violation")).isPresent()
                    || m.contains("content management policy") || m.contains("content policy");
        }
    }

    static UpstreamError parse(byte[] body) {
        JsonNode node = null;
        try {
            if (body.length > 0) node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return new UpstreamError(text.isEmpty() ? Optional.empty() : Optional.of(clean(text)), Optional.empty(),
                    Optional.empty(), Optional.empty());
        }
        return parse(node);
    }

    static UpstreamError parse(JsonNode node) {
        JsonNode error = node.get("error");
        if (error != null && error.isTextual()) {
            return new UpstreamError(Optional.of(clean(error.asText())), Optional.empty(), Optional.empty(), Optional.empty());
        }
        JsonNode fields = error != null && error.isObject() ? error : node;
        return new UpstreamError(text(fields, "message").map(OpenAiErrors::clean), text(fields, "type"), text(fields, "code"),
                text(fields, "param"));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) return Optional.empty();
        String s = v.asText();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** Upstream messages reach clients and logs: never with (a fragment of) the gateway's key, never huge. */
    private static String clean(String message) {
        String m = KEY.matcher(message).replaceAll("****");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }

    /** How long the upstream asked us to wait, from the most precise hint it gave. */
    static Optional<Duration> retryAfter(WireHeaders headers, Ticker ticker) {
        Optional<Duration> ms = headers.first("retry-after-ms").flatMap(v -> number(v).map(d -> Duration.ofNanos((long) (d * 1e6))));
        if (ms.isPresent()) return ms;
        Optional<String> ra = headers.first("retry-after").map(String::strip);
        if (ra.isPresent()) {
            Optional<Duration> seconds = number(ra.get()).map(d -> Duration.ofMillis((long) (d * 1000)));
            if (seconds.isPresent()) return seconds;
            try {
                long at = ZonedDateTime.parse(ra.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Optional.of(Duration.ofMillis(Math.max(0, at - ticker.epochMillis())));
            } catch (DateTimeParseException e) {
                // fall through to the rate-limit reset headers
            }
        }
        Optional<Duration> requests = headers.first("x-ratelimit-reset-requests").flatMap(OpenAiErrors::goDuration);
        Optional<Duration> tokens = headers.first("x-ratelimit-reset-tokens").flatMap(OpenAiErrors::goDuration);
        boolean requestsOut = headers.first("x-ratelimit-remaining-requests").map(String::strip).filter("0"::equals).isPresent();
        boolean tokensOut = headers.first("x-ratelimit-remaining-tokens").map(String::strip).filter("0"::equals).isPresent();
        // Wait for the limit that ran out; if the headers do not say which, the sooner reset is the best guess.
        if (requestsOut && tokensOut) return max(requests, tokens);
        if (requestsOut && requests.isPresent()) return requests;
        if (tokensOut && tokens.isPresent()) return tokens;
        if (requests.isPresent() && tokens.isPresent()) return Optional.of(requests.get().compareTo(tokens.get()) <= 0 ? requests.get() : tokens.get());
        return requests.or(() -> tokens);
    }

    private static Optional<Duration> max(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) return b;
        if (b.isEmpty()) return a;
        return Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
    }

    private static Optional<Double> number(String v) {
        try {
            double d = Double.parseDouble(v.strip());
            return d >= 0 && Double.isFinite(d) ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Go-style durations as OpenAI writes them: {@code 1s}, {@code 6m0s}, {@code 12ms}, {@code 1h2m3.5s}. */
    static Optional<Duration> goDuration(String v) {
        String s = v.strip();
        if (s.isEmpty()) return Optional.empty();
        Optional<Double> plain = number(s);
        if (plain.isPresent()) return Optional.of(Duration.ofMillis((long) (plain.get() * 1000)));
        Matcher m = DURATION_PART.matcher(s);
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) return Optional.empty();
            double n = Double.parseDouble(m.group(1));
            nanos += switch (m.group(2)) {
                case "h" -> n * 3600e9;
                case "m" -> n * 60e9;
                case "s" -> n * 1e9;
                default -> n * 1e6;
            };
            end = m.end();
        }
        return end == s.length() && end > 0 ? Optional.of(Duration.ofNanos((long) nanos)) : Optional.empty();
    }
}
