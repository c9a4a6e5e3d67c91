package dev.switchboard.server;

import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps alive the streamed requests still waiting for their first token: once one has waited {@code sse-keep-alive},
 * its response is started (200, SSE) and an SSE comment goes out every interval, so proxies and load balancers don't
 * cut a healthy stream while the gateway retries and fails over behind it.
 *
 * <p>One virtual thread looks at every waiting stream a few times per interval. A stream whose first token comes in
 * time — nearly all — costs a set entry while its own thread runs the pipeline; a thread of its own per stream cost
 * a thread start and a hand-over per request.
 */
final class SseKeepAlive extends PeriodicSweep<SseKeepAlive.Waiting> {
    private static final byte[] COMMENT = ": waiting for the first token\n\n".getBytes(StandardCharsets.US_ASCII);

    private final long intervalNanos;

    SseKeepAlive(Duration interval) {
        super("sse-keep-alive", interval, Duration.ofMillis(1));
        this.intervalNanos = interval.toNanos();
    }

    /** Starts watching a stream whose pipeline the caller is about to run. */
    Waiting register(ServerResponse res) {
        return watch(new Waiting(res, System.nanoTime()));
    }

    @Override
    void visit(Waiting w, long now) {
        // A write may block on a slow client: each comment gets its own thread, so one stream never holds up another.
        if (now - w.lastWrite >= intervalNanos && w.writing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("sse-keep-alive-write").start(w::comment);
        }
    }

    /** One stream waiting for its first token; its own thread takes it over with {@link #finish()}. */
    final class Waiting {
        private final ServerResponse res;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicBoolean writing = new AtomicBoolean();
        private volatile long lastWrite;
        private OutputStream out;
        private boolean done;
        private boolean broken;

        private Waiting(ServerResponse res, long since) {
            this.res = res;
            this.lastWrite = since;
        }

        private void comment() {
            lock.lock();
            try {
                if (done || broken) return;
                if (out == null) {
                    HttpIo.startSse(res);
                    out = HttpIo.responseStream(res);
                }
                out.write(COMMENT);
                out.flush();
                lastWrite = System.nanoTime();
            } catch (IOException | UncheckedIOException e) {
                broken = true; // the client went away; the request's thread finds out in finish()
            } finally {
                lock.unlock();
                writing.set(false);
            }
        }

        /** Ends the watch whatever happened (idempotent): no comment goes out after this. */
        void end() {
            unwatch(this);
            lock.lock();
            try {
                done = true;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Ends the watch once the pipeline has answered or failed: the response's stream when comments already
         * started it (the answer continues it, without headers or status of its own), or null when nothing went out.
         *
         * @throws IOException when the client went away while waiting
         */
        OutputStream finish() throws IOException {
            end();
            lock.lock();
            try {
                if (broken) throw new IOException("the client went away while the stream waited for its first token");
                return out;
            } finally {
                lock.unlock();
            }
        }
    }
}
