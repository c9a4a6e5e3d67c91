package dev.switchboard.providers.simulated;

import java.time.Duration;

/**
 * How the simulated provider waits: on the calling (virtual) thread in production, recorded instead of
 * slept in tests, which move an injected {@link dev.switchboard.core.Ticker} by the same amount.
 */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d);

    void sleep(Duration duration) throws InterruptedException;
}
