package dev.switchboard.core.spi;

import dev.switchboard.core.config.Timeouts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Sends wire requests. Blocking: callers run on virtual threads. Failures to connect, resets and
 * timeouts surface as retryable {@link dev.switchboard.core.GatewayException}s.
 */
public interface Transport extends AutoCloseable {
    WireResponse send(WireRequest request, Timeouts timeouts);

    /** Reads a whole answer from its body stream. */
    @FunctionalInterface
    interface AnswerReader<T> {
        T read(int status, WireHeaders headers, InputStream body) throws IOException;
    }

    /**
     * As {@link #send}, with the same bounds (the head within the total timeout, the body at most the largest answer
     * the transport reads), but the body goes to {@code reader} as it arrives instead of into one array first. The
     * default reads it whole first.
     */
    default <T> T receive(WireRequest request, Timeouts timeouts, AnswerReader<T> reader) {
        WireResponse answer = send(request, timeouts);
        try {
            return reader.read(answer.status(), answer.headers(), new ByteArrayInputStream(answer.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from an array
        }
    }

    /** Sends the request and returns once the response head arrived; the body is read from the stream. */
    WireStream open(WireRequest request, Timeouts timeouts);

    @Override
    default void close() {}
}
