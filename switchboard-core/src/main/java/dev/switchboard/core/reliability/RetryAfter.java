package dev.switchboard.core.reliability;

import dev.switchboard.core.spi.WireHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long an upstream asked us to wait, read from its response headers, for adapters to put into
 * {@link dev.switchboard.core.GatewayException.Retryable#retryAfter()}. In order of precedence:
 * <ol>
 *   <li>{@code retry-after-ms}: milliseconds (OpenAI, Azure OpenAI);
 *   <li>{@code Retry-After}: seconds or an HTTP date (RFC 9110 §10.2.3);
 *   <li>rate-limit reset headers for a budget that is used up (remaining = 0):
 *       OpenAI's {@code x-ratelimit-reset-requests} / {@code -tokens} (a duration such as "6m0s" or
 *       "20ms") and Anthropic's {@code anthropic-ratelimit-*-reset} (an RFC 3339 time). When several
 *       budgets are used up, the latest reset wins.
 * </ol>
 */
public final class RetryAfter {
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|h|m|s)");
    private static final String[][] OPENAI_BUDGETS = {
        {"x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"},
        {"x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"},
    };
    private static final String[] ANTHROPIC_BUDGETS = {"requests", "tokens", "input-tokens", "output-tokens"};

    private RetryAfter() {}

    /** The wait the headers ask for, or empty when they say nothing usable. Never negative. */
    public static Optional<Duration> from(WireHeaders headers, long nowEpochMillis) {
        Optional<Duration> ms = headers.first("retry-after-ms").flatMap(v -> number(v).map(n -> Duration.ofNanos((long) (n * 1e6))));
        if (ms.isPresent()) return ms.map(RetryAfter::nonNegative);
        Optional<Duration> retryAfter = headers.first("retry-after").flatMap(v -> retryAfter(v, nowEpochMillis));
        if (retryAfter.isPresent()) return retryAfter.map(RetryAfter::nonNegative);
        Duration latest = null;
        for (String[] budget : OPENAI_BUDGETS) {
            if (usedUp(headers, budget[0])) latest = later(latest, headers.first(budget[1]).flatMap(RetryAfter::goDuration));
        }
        for (String budget : ANTHROPIC_BUDGETS) {
            if (usedUp(headers, "anthropic-ratelimit-" + budget + "-remaining")) {
                latest = later(latest, headers.first("anthropic-ratelimit-" + budget + "-reset")
                        .flatMap(v -> instant(v, nowEpochMillis)));
            }
        }
        return Optional.ofNullable(latest).map(RetryAfter::nonNegative);
    }

    private static Optional<Duration> retryAfter(String value, long now) {
        Optional<Double> seconds = number(value);
        if (seconds.isPresent()) return Optional.of(Duration.ofMillis(Math.round(seconds.get() * 1000)));
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(Duration.ofMillis(at.toEpochMilli() - now));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> instant(String value, long now) {
        try {
            return Optional.of(Duration.ofMillis(OffsetDateTime.parse(value.trim()).toInstant().toEpochMilli() - now));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Go's duration syntax as OpenAI writes it: "1s", "6m0s", "1h2m3.5s", "20ms". */
    static Optional<Duration> goDuration(String value) {
        String s = value.trim();
        Matcher m = GO_DURATION_PART.matcher(s);
        long nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) return Optional.empty();
            end = m.end();
            double v = Double.parseDouble(m.group(1));
            nanos += (long) (v * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1_000;
                case "ms" -> 1_000_000;
                case "s" -> 1_000_000_000;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            });
        }
        return end == s.length() && end > 0 ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty();
    }

    private static boolean usedUp(WireHeaders headers, String remainingHeader) {
        return headers.first(remainingHeader).flatMap(RetryAfter::number).map(n -> n <= 0).orElse(false);
    }

    private static Optional<Double> number(String value) {
        try {
            double d = Double.parseDouble(value.trim());
            return Double.isFinite(d) ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Duration later(Duration current, Optional<Duration> candidate) {
        if (candidate.isEmpty()) return current;
        return current == null || candidate.get().compareTo(current) > 0 ? candidate.get() : current;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
