package dev.switchboard.providers.transport;

import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.Content;

/**
 * A response whose head arrived; its body is pulled from Jetty's content source on the reading thread.
 * Closing it before the body ended aborts the exchange, so the upstream stops generating.
 */
final class JettyWireStream implements WireStream {
    /** How many already-arrived chunks close() takes while looking for the body's end. */
    private static final int END_CHUNKS = 4;

    private final Request request;
    private final int status;
    private final WireHeaders headers;
    private final Body body;

    /** @param streamed whether {@code idle} also bounds the wait for the body's first bytes (see {@link Body}) */
    JettyWireStream(Request request, Response response, Content.Source source, Duration idle, boolean streamed,
            long deadlineNanos) {
        this.request = request;
        this.status = response.getStatus();
        this.headers = JettyTransport.headers(response.getHeaders());
        this.body = new Body(source, idle, streamed, deadlineNanos);
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public WireHeaders headers() {
        return headers;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public void close() {
        body.close();
    }

    /**
     * Blocking reads over the content source, each wait bounded by the idle timeout and the total deadline. A whole
     * answer's body may follow its head only once the model is done (a server that sends the head early): until its
     * first bytes only the total bounds the wait; after them a silence of {@code idle} is a stalled transfer.
     */
    private final class Body extends InputStream {
        private final Content.Source source;
        private final long idleNanos;
        private final Duration idle;
        private final long deadlineNanos;
        private final Semaphore ready = new Semaphore(0);
        private Content.Chunk chunk;
        private boolean ended;
        private boolean closed;
        private boolean idleApplies;

        Body(Content.Source source, Duration idle, boolean streamed, long deadlineNanos) {
            this.source = source;
            this.idle = idle;
            this.idleNanos = idle.toNanos();
            this.idleApplies = streamed;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (true) {
                int n = readAvailable(b, off, len);
                if (n != 0) return n;
                awaitData();
            }
        }

        /**
         * Bytes already received: a count, -1 at the end, or 0 when nothing is there yet. Synchronized with
         * {@link #close()}, which another thread may call (a client that went away) while this one reads.
         */
        private synchronized int readAvailable(byte[] b, int off, int len) throws IOException {
            while (true) {
                if (closed) throw new IOException("the upstream response was closed");
                if (chunk != null) {
                    ByteBuffer buffer = chunk.getByteBuffer();
                    int n = Math.min(len, buffer.remaining());
                    buffer.get(b, off, n);
                    if (!buffer.hasRemaining()) releaseChunk();
                    if (n > 0) {
                        idleApplies = true;
                        return n;
                    }
                }
                if (ended) return -1;
                Content.Chunk next = source.read();
                if (next == null) return 0;
                if (Content.Chunk.isFailure(next)) throw ioFailure(next.getFailure());
                chunk = next;
            }
        }

        /**
         * Bytes that can be read without waiting: peeks at the source without blocking, so a writer can
         * coalesce events that already arrived. An end or a failure counts as available (reading it does
         * not block); Jetty keeps a failure as the source's terminal chunk, so the next read still sees it.
         */
        @Override
        public synchronized int available() {
            if (closed) return 0;
            if (chunk == null && !ended) {
                Content.Chunk next = source.read();
                if (next == null) return 0;
                if (Content.Chunk.isFailure(next)) return 1;
                chunk = next;
            }
            if (chunk == null) return ended ? 1 : 0;
            int remaining = chunk.getByteBuffer().remaining();
            return remaining > 0 ? remaining : chunk.isLast() ? 1 : 0;
        }

        private void releaseChunk() {
            if (chunk.isLast()) ended = true;
            chunk.release();
            chunk = null;
        }

        private void awaitData() throws IOException {
            source.demand(ready::release);
            long remaining = deadlineNanos - System.nanoTime();
            long limit = idleApplies ? idleNanos : Long.MAX_VALUE;
            boolean total = remaining < limit;
            try {
                if (ready.tryAcquire(Math.max(0, Math.min(limit, remaining)), TimeUnit.NANOSECONDS)) return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort(e);
                throw new InterruptedIOException("interrupted while reading the upstream response");
            }
            String message = total ? "the upstream call exceeded its total timeout"
                    : "the upstream sent nothing for " + idle.toMillis() + " ms";
            abort(new TimeoutException(message));
            throw new SocketTimeoutException(message);
        }

        private IOException ioFailure(Throwable failure) {
            if (failure instanceof TimeoutException) {
                SocketTimeoutException e = new SocketTimeoutException(failure.getMessage());
                e.initCause(failure);
                return e;
            }
            // Jetty names a connection closed mid-body after its internals (class@hash, socket and parser state), and
            // that message reaches the client: say what happened instead.
            if (failure instanceof EOFException) {
                EOFException e = new EOFException("the upstream closed the connection before the answer was complete");
                e.initCause(failure);
                return e;
            }
            if (failure instanceof IOException io) return io;
            return new IOException(failure);
        }

        private void abort(Throwable cause) {
            request.abort(cause);
        }

        @Override
        public void close() {
            boolean complete;
            synchronized (this) {
                if (closed) return;
                closed = true;
                if (chunk != null) {
                    if (chunk.isLast()) ended = true;
                    chunk.release();
                    chunk = null;
                }
                // A decoder stops at its end-of-stream event ([DONE], message_stop), usually just before the body's
                // own end (the chunked terminator), which has often arrived already: take it without waiting, so
                // the connection goes back to the pool instead of being aborted and dialled again. Bounded, so a
                // stream abandoned mid-answer is aborted rather than read on while the upstream keeps sending.
                for (int taken = 0; !ended && taken < END_CHUNKS; taken++) {
                    Content.Chunk next = source.read();
                    if (next == null || Content.Chunk.isFailure(next)) break;
                    ended = next.isLast();
                    next.release();
                }
                complete = ended;
            }
            // A body not read to its end leaves the connection mid-response: abort it rather than drain it.
            if (!complete) abort(new IOException("the gateway closed the upstream response"));
            ready.release(); // wake a reader blocked on this stream
        }
    }
}
