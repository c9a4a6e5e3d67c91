package dev.switchboard.core.reliability;

import dev.switchboard.core.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Time that moves only when a test moves it; as a sleeper it records each wait and advances by it. */
final class ManualTicker implements Ticker, Sleeper {
    private long nanos = 1_000_000_000_000L;
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long epochMillis() {
        return 1_700_000_000_000L + nanos / 1_000_000;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }

    @Override
    public void sleep(Duration d) {
        sleeps.add(d);
        advance(d);
    }

    Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
