package dev.switchboard.core.reliability;

import dev.switchboard.core.GatewayException;
import java.time.Duration;

/** Waits. Production sleeps the (virtual) thread; tests advance a manual ticker instead. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException.UpstreamTimeout("interrupted while waiting to retry");
        }
    };

    void sleep(Duration duration);
}
