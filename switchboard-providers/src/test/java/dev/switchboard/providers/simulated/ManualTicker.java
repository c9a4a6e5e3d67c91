package dev.switchboard.providers.simulated;

import dev.switchboard.core.Ticker;
import java.time.Duration;

/** Time that moves only when a test (or its sleeper) moves it. */
final class ManualTicker implements Ticker {
    private long nanos;
    private final long epochMillisAtZero = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long epochMillis() {
        return epochMillisAtZero + nanos / 1_000_000;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }

    Duration elapsed() {
        return Duration.ofNanos(nanos);
    }
}
