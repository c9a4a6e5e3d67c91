package dev.switchboard.core.spi;

import dev.switchboard.core.config.Timeouts;

/**
 * Sends wire requests. Blocking: callers run on virtual threads. Failures to connect, resets and
 * timeouts surface as retryable {@link dev.switchboard.core.GatewayException}s.
 */
public interface Transport extends AutoCloseable {
    WireResponse send(WireRequest request, Timeouts timeouts);

    /** Sends the request and returns once the response head arrived; the body is read from the stream. */
    WireStream open(WireRequest request, Timeouts timeouts);

    @Override
    default void close() {}
}
