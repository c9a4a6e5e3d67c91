package dev.switchboard.core.spi;

import java.io.InputStream;

/**
 * An upstream response whose body is read incrementally. Closing it aborts the upstream exchange
 * (a client that goes away cancels the upstream call).
 */
public interface WireStream extends AutoCloseable {
    int status();

    WireHeaders headers();

    /** The body; reads block the calling (virtual) thread and throw on idle timeout or abort. */
    InputStream body();

    @Override
    void close();
}
