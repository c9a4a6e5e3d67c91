package dev.switchboard.testkit;

import dev.switchboard.core.spi.WireHeaders;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Header;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for a provider, on 127.0.0.1 and a free port: answers in the provider's wire format
 * (see {@link Responder}), records every request, and misbehaves on cue. Each call to
 * {@link #enqueue(Fault...)} scripts the next unscripted request; requests beyond the script are answered
 * correctly.
 *
 * <pre>{@code
 * try (FakeUpstream upstream = FakeUpstream.openAi()) {
 *     upstream.enqueue(Fault.rateLimited(2));            // first request: 429
 *     upstream.enqueue(Fault.stallAfter(3));              // second: stream stalls after 3 events
 *     ... point a deployment's api_base at upstream.apiBase() ...
 *     upstream.release();                                 // end any stall or delay still holding
 * }
 * }</pre>
 */
public final class FakeUpstream implements AutoCloseable {
    /** The longest a stall holds when nobody releases it, so a forgotten stall cannot hang a build. */
    static final Duration STALL_LIMIT = Duration.ofSeconds(30);
    private static final int MAX_BODY = 16 * 1024 * 1024;

    private final Responder responder;
    private final WebServer server;
    private final ConcurrentLinkedQueue<List<Fault>> script = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<RecordedRequest> abandoned = new LinkedBlockingQueue<>();
    private volatile CountDownLatch released = new CountDownLatch(1);
    private volatile boolean listening;
    private final int port;

    private FakeUpstream(Responder responder) {
        this.responder = responder;
        this.server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .shutdownGracePeriod(Duration.ZERO)
                .routing(r -> r.any(this::handle))
                .build()
                .start();
        this.listening = true;
        this.port = server.port();
    }

    /** A fake OpenAI (and OpenAI-compatible) API under {@code /v1}. */
    public static FakeUpstream openAi() {
        return start(new OpenAiResponder());
    }

    /** A fake Anthropic Messages API; its {@link #apiBase()} is the bare origin, as Anthropic's base URL is. */
    public static FakeUpstream anthropic() {
        return start(new AnthropicResponder());
    }

    public static FakeUpstream start(Responder responder) {
        return new FakeUpstream(responder);
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:port}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** What a deployment's {@code api_base} should be, e.g. {@code http://127.0.0.1:port/v1}. */
    public URI apiBase() {
        return URI.create(baseUri() + responder.apiBasePath());
    }

    /** Scripts the next request: it gets all these faults. Call once per request to script several. */
    public FakeUpstream enqueue(Fault... faults) {
        script.add(List.of(faults));
        return this;
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) throw new NoSuchElementException("the fake upstream has received no request");
        return requests.getLast();
    }

    /**
     * Waits until a response was abandoned by its client (writing to it failed because the client closed
     * the connection), e.g. to prove that a gateway cancels the upstream call when its own client goes away.
     * The client's close is seen on the next write, so release a stalled response first.
     */
    public Optional<RecordedRequest> awaitAbandoned(Duration max) {
        try {
            return Optional.ofNullable(abandoned.poll(max.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Ends every delay and stall of the requests received so far, including those their responses have not reached
     * yet (a response may be a step short of its stall when the test, having read what came before it, releases).
     */
    public void release() {
        CountDownLatch current = released;
        released = new CountDownLatch(1);
        current.countDown();
    }

    /** Stops listening, so new connections are refused; the port stays known for the test's assertions. */
    public void refuseConnections() {
        if (!listening) return;
        listening = false;
        release();
        server.stop();
    }

    @Override
    public void close() {
        refuseConnections();
    }

    void abandoned(RecordedRequest request) {
        if (listening) abandoned.add(request);
    }

    void hold(CountDownLatch latch, Duration max) {
        try {
            latch.await(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(ServerRequest req, ServerResponse res) {
        CountDownLatch release = released;
        RecordedRequest request = record(req);
        requests.add(request);
        List<Fault> faults = Optional.ofNullable(script.poll()).orElse(List.of());
        UpstreamExchange exchange = new UpstreamExchange(request, res, faults, responder, this, release);
        for (Fault f : faults) {
            if (f instanceof Fault.DelayHeaders d) hold(release, d.delay());
        }
        for (Fault f : faults) {
            if (f instanceof Fault.Disconnect d && d.afterEvents().isEmpty()) {
                throw new CloseConnectionException("scripted disconnect before the response");
            }
        }
        for (Fault f : faults) {
            if (f instanceof Fault.Status s) {
                s.retryAfter().ifPresent(v -> res.header("Retry-After", v));
                byte[] body = s.body().map(b -> b.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .orElseGet(() -> responder.errorBody(s.status(), s.message().orElse("scripted error " + s.status())));
                exchange.json(s.status(), body);
                return;
            }
        }
        responder.respond(request, exchange);
    }

    private static RecordedRequest record(ServerRequest req) {
        WireHeaders.Builder headers = WireHeaders.builder();
        for (Header h : req.headers()) {
            for (String v : h.allValues()) headers.add(h.name(), v);
        }
        byte[] body;
        if (req.content().hasEntity()) {
            try (InputStream in = req.content().inputStream()) {
                body = in.readNBytes(MAX_BODY);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            body = new byte[0];
        }
        int clientPort = req.remotePeer().address() instanceof java.net.InetSocketAddress a ? a.getPort() : -1;
        return new RecordedRequest(req.prologue().method().text(), req.path().path(), req.query().rawValue(), headers.build(),
                body, clientPort);
    }
}
