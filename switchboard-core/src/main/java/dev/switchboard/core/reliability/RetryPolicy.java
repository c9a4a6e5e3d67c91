package dev.switchboard.core.reliability;

import dev.switchboard.core.config.ReliabilitySettings;
import java.time.Duration;
import java.util.Optional;

/**
 * How often and how long to wait before trying the same deployment again: per-error-class counts and
 * exponential backoff with full jitter (a uniform pick in [0, min(max, base·2^n))), so many clients
 * hitting the same failing upstream spread out instead of retrying in lockstep. An upstream's own
 * {@code Retry-After} replaces the computed backoff.
 */
public record RetryPolicy(ReliabilitySettings.Retries retries, Duration backoffBase, Duration backoffMax,
        Duration maxRetryAfter) {

    public static RetryPolicy of(ReliabilitySettings s) {
        return new RetryPolicy(s.retries(), s.backoffBase(), s.backoffMax(), s.maxRetryAfter());
    }

    /** Retries allowed on the same deployment for this class of error. */
    public int allowed(ErrorClass errorClass) {
        return switch (errorClass) {
            case RATE_LIMIT -> retries.rateLimit();
            case TIMEOUT -> retries.timeout();
            case SERVER_ERROR -> retries.serverError();
            case CONNECTION -> retries.connection();
        };
    }

    /** The ceiling of the backoff before retry number {@code retry} (0 for the first retry). */
    public Duration ceiling(int retry) {
        long base = backoffBase.toNanos();
        long max = backoffMax.toNanos();
        long ceiling = retry >= 62 || base > (max >> Math.min(retry, 62)) ? max : base << retry;
        return Duration.ofNanos(Math.min(ceiling, max));
    }

    /**
     * How long to wait before retry number {@code retry}; {@code uniform} is a random number in [0, 1).
     * Empty when the upstream asked for a wait longer than {@link #maxRetryAfter}: better to fail over.
     */
    public Optional<Duration> delay(int retry, Optional<Duration> retryAfter, double uniform) {
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            return asked.compareTo(maxRetryAfter) > 0 ? Optional.empty() : Optional.of(asked);
        }
        return Optional.of(Duration.ofNanos((long) (ceiling(retry).toNanos() * uniform)));
    }
}
