package dev.switchboard.providers.simulated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link Sleeper} that records each wait and moves the test's clock instead of sleeping. */
final class RecordingSleeper implements Sleeper {
    private final ManualTicker ticker;
    final List<Duration> sleeps = new ArrayList<>();

    RecordingSleeper(ManualTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        ticker.advance(duration);
    }

    Duration total() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
