package dev.switchboard.server;

import dev.switchboard.core.GatewayException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The request bodies held at once, all requests together ({@code switchboard.server.max-buffered-body-bytes}). A
 * parsed body stays in the heap, several times its size, until its request ends; without a bound, a few large bodies
 * at once (images inlined as base64) exhausted a small heap and ended the process with every request in it. A body
 * that would pass the bound waits up to {@link #WAIT} for others to finish, then is refused with a 503 and
 * {@code Retry-After}, which the OpenAI and Anthropic SDKs retry.
 */
final class BodyBudget {
    /** Counted in KiB, so a terabyte budget still fits a semaphore's int permits. */
    private static final int UNIT = 1024;
    static final Duration WAIT = Duration.ofSeconds(5);

    private final long maxBytes;
    private final Duration wait;
    private final Semaphore units;

    BodyBudget(long maxBytes) {
        this(maxBytes, WAIT);
    }

    BodyBudget(long maxBytes, Duration wait) {
        this.maxBytes = maxBytes;
        this.wait = wait;
        this.units = new Semaphore(units(maxBytes), true);
    }

    /** Takes room for {@code bytes}; returns the units taken, for {@link #give}. */
    int take(long bytes) {
        int n = Math.min(units(bytes), units(maxBytes));
        if (n == 0) return 0;
        try {
            if (units.tryAcquire(n, wait.toMillis(), TimeUnit.MILLISECONDS)) return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new GatewayException.Overloaded("The gateway is holding its limit of " + maxBytes / (1024 * 1024)
                + " MB of request bodies (switchboard.server.max-buffered-body-bytes); retry shortly.", Duration.ofSeconds(1));
    }

    void give(int n) {
        if (n > 0) units.release(n);
    }

    private static int units(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(bytes, UNIT));
    }
}
