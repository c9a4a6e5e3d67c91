package dev.switchboard.core.stages;

import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Exchange;
import java.util.Optional;

/**
 * How one request ended, handed by {@link ObserveStage} to each observer (access log, metrics, ledger).
 * For a stream it is produced when the stream ends.
 *
 * @param error empty on success
 */
public record RequestOutcome(Exchange exchange, boolean stream, long latencyNanos, Optional<Usage> usage,
        Optional<Throwable> error) {

    public boolean succeeded() {
        return error.isEmpty();
    }
}
