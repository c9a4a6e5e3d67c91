package dev.switchboard.server;

import dev.switchboard.core.GatewayException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The request bodies and upstream answers read whole held at once, all requests together
 * ({@code switchboard.server.max-buffered-body-bytes}). A parsed body stays in the heap, several times its size, until
 * its request ends; without a bound, a few large bodies at once (images inlined as base64), or a few large answers,
 * exhausted a small heap and ended the process with every request in it. A body that would pass the bound waits up to
 * {@link #WAIT} for others to finish, then its request is refused with a 503 and {@code Retry-After}, which the OpenAI
 * and Anthropic SDKs retry.
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
        return take(bytes, 0);
    }

    /**
     * Takes room for {@code bytes} more for a request already holding {@code held} units. A request never waits for
     * more than seven eighths of the budget in all: one body or answer larger than that runs alone, while the last
     * eighth lets other requests' small bodies in meanwhile, whose room would otherwise keep it waiting.
     */
    int take(long bytes, int held) {
        int most = units(maxBytes) - units(maxBytes) / 8;
        int n = Math.min(units(bytes), Math.max(0, most - held));
        if (n == 0) return 0;
        // A request already holding room goes ahead of those waiting to start, when there is room: queued behind a
        // newcomer that waits for that very room, it would keep both waiting until one is refused.
        if (held > 0 && units.tryAcquire(n)) return n;
        try {
            if (units.tryAcquire(n, wait.toMillis(), TimeUnit.MILLISECONDS)) return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String limit = maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MB" : maxBytes + " bytes";
        throw new GatewayException.BuffersFull("The gateway is holding its limit of " + limit
                + " of request bodies and upstream answers (switchboard.server.max-buffered-body-bytes); retry shortly.",
                Duration.ofSeconds(1));
    }

    void give(int n) {
        if (n > 0) units.release(n);
    }

    private static int units(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(bytes, UNIT));
    }
}
