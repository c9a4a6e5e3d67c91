package dev.switchboard.server;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.wire.Json;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends a request whose header lines do not all arrive within {@code switchboard.server.header-timeout} of its request
 * line, as nginx's {@code client_header_timeout} does: a client that trickles header lines ("slowloris") would
 * otherwise hold its connection for as long as it keeps sending, since the web server's idle check only ends
 * connections waiting for a request line, and {@link BodyReadWatch} starts with the body. The client gets a 408 error
 * object and the connection ends. Helidon calls this listener on the connection's own thread, after the request line
 * and after the headers (as a receive listener) and as an answer starts (as a send listener); whichever of these and
 * the sweep comes first decides.
 */
final class HeaderReadWatch extends PeriodicSweep<HeaderReadWatch.Head> implements Http1ConnectionListener {
    private final long timeoutNanos;
    private final Duration timeout;

    HeaderReadWatch(Duration timeout) {
        super("header-read-watch", timeout, Duration.ofMillis(10));
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        watch(ctx, new Head(ctx, prologue.uriPath().rawPath(), Thread.currentThread(), System.nanoTime()));
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        settle(ctx);
    }

    /**
     * As a send listener: an answer is starting. Normally the headers settled the watch already; when the server refused
     * the head itself (too large, no Host) it answers without them, and then closes the connection.
     */
    @Override
    public void status(ConnectionContext ctx, Status status) {
        settle(ctx);
    }

    /** The head is done (or answered): ends the watch, unless the sweep has answered 408 already. */
    private void settle(ConnectionContext ctx) {
        Head head = unwatch(ctx);
        if (head != null && !head.settled.compareAndSet(false, true)) {
            throw new CloseConnectionException("request headers did not arrive within " + timeout.toMillis() + " ms");
        }
    }

    @Override
    void visit(Head head, long now) {
        if (now - head.readingSince <= timeoutNanos || !head.settled.compareAndSet(false, true)) return;
        try {
            // The connection's thread is waiting for header bytes, or finds this claim when they come (settle), and
            // writes nothing meanwhile: the answer cannot interleave with another.
            head.ctx.dataWriter().writeNow(timedOut(head.path));
        } catch (RuntimeException e) {
            // The client is gone already; closing is all that is left.
        }
        // Ends the wait and closes the connection; a thread past its wait finds it interrupted at its next write.
        head.thread.interrupt();
        unwatch(head.ctx);
    }

    /** The whole 408 answer, head and body, as one write. */
    private BufferData timedOut(String path) {
        String requestId = Switchboard.newRequestId();
        byte[] body = Json.bytes(ProtocolErrors.error(path, 408, "The request headers did not arrive within "
                + timeout.toMillis() + " ms of the request line (switchboard.server.header-timeout).", requestId));
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n" + HttpIo.REQUEST_ID.defaultCase() + ": "
                + requestId + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
        BufferData out = BufferData.growing(head.length() + body.length);
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        return out;
    }

    /** One request's header section being read on {@code thread}; settled once by its headers or by the sweep. */
    record Head(ConnectionContext ctx, String path, Thread thread, long readingSince, AtomicBoolean settled) {
        Head(ConnectionContext ctx, String path, Thread thread, long readingSince) {
            this(ctx, path, thread, readingSince, new AtomicBoolean());
        }
    }
}
