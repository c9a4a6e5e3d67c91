package dev.switchboard.server;

import java.time.Duration;

/**
 * Ends request-body reads that make no progress for {@code switchboard.server.body-timeout}: a client that sends its
 * headers and then stalls (or trickles nothing) would otherwise hold its handler, and one of the
 * {@code max-concurrent-requests} slots, for as long as it keeps the connection open. The web server has no read
 * timeout of its own (Helidon's idle check only ends connections waiting for their next request line). A stalled
 * read's thread is interrupted, which closes its connection: no answer can be written without reading on.
 */
final class BodyReadWatch extends PeriodicSweep<BodyReadWatch.Read> {
    private final long timeoutNanos;

    BodyReadWatch(Duration timeout) {
        super("body-read-watch", timeout, Duration.ofMillis(10));
        this.timeoutNanos = timeout.toNanos();
    }

    /** A body read on the calling thread, watched until closed. */
    Read start() {
        return watch(new Read(this));
    }

    @Override
    void visit(Read read, long now) {
        if (!read.expired && now - read.lastProgress > timeoutNanos) {
            read.expired = true;
            read.thread.interrupt();
        }
    }

    /** One body read; {@link #progress} after every read that returned bytes. */
    static final class Read implements AutoCloseable {
        /** For a read outside a gated request: never expires. */
        static final Read UNWATCHED = new Read(null);

        private final BodyReadWatch watch;
        private final Thread thread = Thread.currentThread();
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean expired;

        private Read(BodyReadWatch watch) {
            this.watch = watch;
        }

        void progress() {
            lastProgress = System.nanoTime();
        }

        /** Whether the read was ended for making no progress. */
        boolean expired() {
            return expired;
        }

        long timeoutMillis() {
            return watch == null ? 0 : watch.timeoutNanos / 1_000_000;
        }

        @Override
        public void close() {
            if (watch == null) return;
            watch.unwatch(this);
            if (expired) Thread.interrupted(); // an interrupt that came as the read ended is not the caller's
        }
    }
}
