package dev.switchboard.server;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.spi.BufferedBytes;
import dev.switchboard.core.StreamOfResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.ExchangeContext;
import dev.switchboard.core.pipeline.Principal;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.stages.AuthStage;
import dev.switchboard.core.stages.AccessLog;
import dev.switchboard.core.wire.Json;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every API request passes through at the HTTP edge: a request id on the response, refusal while
 * draining for shutdown, counting of in-flight requests (so shutdown can wait for them, and requests over
 * {@code max-concurrent-requests} are refused with the client's error object), and one error
 * path that turns any failure into the client's error object — never a bare 500 for a client mistake.
 */
final class Gate {
    private static final Logger LOG = Logger.getLogger(Gate.class.getName());

    /** An endpoint body: does its work, throws {@link GatewayException} for anything the client must see. */
    @FunctionalInterface
    interface Endpoint {
        void handle(ServerRequest req, ServerResponse res, String requestId);
    }

    /** How an endpoint family writes errors (OpenAI or Anthropic shape). */
    @FunctionalInterface
    interface ErrorWriter {
        void write(ServerResponse res, GatewayException e);
    }

    /**
     * The request's {@link Call}, bound while its endpoint runs. Not kept in Helidon's request context: that context
     * is made on first use, with a registry and read-write lock per key, which was a measurable share of a call.
     */
    private static final ScopedValue<Call> CALL = ScopedValue.newInstance();

    private final Switchboard engine;
    private final AuthStage auth;
    private final Cors cors;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<Call> calls = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    private final SseKeepAlive keepAlive;
    private final BodyReadWatch bodyReads;
    private final int maxConcurrent;
    private final BodyBudget bodyBudget;

    Gate(Switchboard engine) {
        this.engine = engine;
        this.auth = engine.config().masterKey().map(AuthStage::new).orElse(null);
        this.cors = new Cors(engine.config().server().corsOrigins());
        this.keepAlive = new SseKeepAlive(engine.config().server().sseKeepAlive());
        this.bodyReads = new BodyReadWatch(engine.config().server().bodyTimeout());
        this.maxConcurrent = engine.config().server().maxConcurrentRequests();
        this.bodyBudget = new BodyBudget(engine.config().server().maxBufferedBodyBytes());
    }

    /** An API endpoint: the master key (when set) is checked first, then the concurrency limit applies. */
    Handler guard(Endpoint endpoint) {
        return guard(endpoint, HttpIo::sendOpenAiError);
    }

    Handler guard(Endpoint endpoint, ErrorWriter errors) {
        return guard(endpoint, errors, true);
    }

    /** As {@link #guard(Endpoint)}, without a key: for what a client must learn before it has one. */
    Handler open(Endpoint endpoint, ErrorWriter errors) {
        return guard(endpoint, errors, false);
    }

    private Handler guard(Endpoint endpoint, ErrorWriter errors, boolean keyed) {
        return (req, res) -> {
            String requestId = requestId(req, res);
            cors.decorate(req, res);
            if (draining.get()) {
                res.header("connection", "close");
                errors.write(res, new GatewayException.Overloaded("The gateway is shutting down; retry on another instance.", null));
                return;
            }
            int running = inFlight.incrementAndGet();
            Call call = new Call(bodyReads, bodyBudget);
            calls.add(call);
            try {
                if (running > maxConcurrent) throw atCapacity();
                if (keyed) call.principal = authenticate(req); // before the body is read: a caller without the key learns nothing of it
                ScopedValue.where(CALL, call).run(() -> BufferedBytes.with(call, () -> {
                    endpoint.handle(req, res, requestId);
                    return null;
                }));
            } catch (GatewayException e) {
                if (!res.isSent()) {
                    // A body left unread (refused before reading it, or unreadable) ends the connection (ConnectionClose):
                    // draining it could take long, and a client that sent Expect: 100-continue got no 100 and may send
                    // it or the next request, which the server cannot tell apart.
                    if (call.closeConnection || !req.content().consumed()) res.header("connection", "close");
                    errors.write(res, e);
                }
                if (!call.enteredPipeline()) logEdgeFailure(req, requestId, e); // else the pipeline's ObserveStage logged it
            } catch (CloseConnectionException e) {
                // The client went away before its answer was written: nothing is broken. Helidon closes the connection.
                LOG.log(Level.FINE, () -> "request " + requestId + ": the client closed the connection early");
                throw e;
            } catch (RuntimeException e) {
                GatewayException failure = internal(requestId, e);
                if (!res.isSent()) errors.write(res, failure);
            } finally {
                call.releaseHeld();
                calls.remove(call);
                if (inFlight.decrementAndGet() == 0) {
                    synchronized (idle) {
                        idle.notifyAll();
                    }
                }
            }
        };
    }

    /** The response's {@code x-request-id} ({@link Routes} sets it on every route), set here if it is missing. */
    private static String requestId(ServerRequest req, ServerResponse res) {
        return res.headers().first(HttpIo.REQUEST_ID).orElseGet(() -> {
            String id = HttpIo.requestId(req);
            res.header(HttpIo.REQUEST_ID, id);
            return id;
        });
    }

    /** Runs an exchange and copies the pipeline's response headers, also when it fails. */
    Reply run(Exchange exchange, ServerResponse res) {
        try {
            return handle(exchange);
        } finally {
            HttpIo.headers(res, exchange.context().responseHeaders());
        }
    }

    /**
     * Runs an exchange without touching the response, which a stream's keep-alive comments may have started. A
     * streamed answer comes back watched by the request's {@link Call}, so shutdown can cut it between two chunks.
     */
    private Reply handle(Exchange exchange) {
        if (!CALL.isBound()) return engine.handle(exchange);
        Call call = CALL.get();
        ExchangeContext context = exchange.context();
        Reply reply = call.inPipeline(context, () -> engine.handle(exchange));
        return reply instanceof Reply.Streaming s ? new Reply.Streaming(call.watch(context, s.stream())) : reply;
    }

    /** How an endpoint writes a streamed answer in its own event grammar ({@link #stream}). */
    interface StreamDialect {
        /** The whole answer on a response not yet started, so a failure before any content still gets its status. */
        void respond(ServerResponse res, Reply reply);

        /** The answer's events on a response that keep-alive comments already started (200, SSE). */
        void events(SseWriter sse, Reply reply) throws IOException;

        /** The event that ends a started response when the pipeline failed. */
        void error(SseWriter sse, GatewayException e) throws IOException;
    }

    /**
     * A streamed exchange. The pipeline returns once the first chunk is in, and until then it may retry and fail
     * over. When that takes longer than {@code sse-keep-alive}, {@link SseKeepAlive} starts the response (200, SSE)
     * and sends an SSE comment every interval, so proxies and load balancers don't cut a healthy stream. Comments
     * carry no answer, so failing over behind them is still faithful; but from then on a failure can only be an
     * error event (no HTTP status, no {@code x-switchboard-*} headers).
     */
    void stream(Exchange exchange, ServerResponse res, StreamDialect dialect) {
        SseKeepAlive.Waiting waiting = keepAlive.register(res);
        try {
            stream(exchange, res, dialect, waiting);
        } finally {
            waiting.end(); // also when something unexpected was thrown
        }
    }

    private void stream(Exchange exchange, ServerResponse res, StreamDialect dialect,
            SseKeepAlive.Waiting waiting) {
        Reply reply;
        try {
            reply = handle(exchange);
        } catch (RuntimeException e) {
            OutputStream started;
            try {
                started = waiting.finish();
            } catch (IOException gone) {
                return; // the client went away while waiting: nobody to tell
            }
            if (started == null) {
                HttpIo.headers(res, exchange.context().responseHeaders());
                throw e;
            }
            try (var out = started; var sse = new SseWriter(out)) {
                GatewayException failure = e instanceof GatewayException g ? g : internal(exchange.requestId(), e);
                dialect.error(sse, failure);
            } catch (IOException gone) {
                // The client went away after the comments.
            }
            return;
        }
        OutputStream started;
        try {
            started = waiting.finish();
        } catch (IOException e) {
            chunks(reply).close(); // the client went away while waiting: the answer is closed unread
            return;
        }
        if (started == null) {
            HttpIo.headers(res, exchange.context().responseHeaders());
            dialect.respond(res, reply);
            return;
        }
        try (var out = started; var sse = new SseWriter(out)) {
            dialect.events(sse, reply);
        } catch (IOException e) {
            // The client went away; closing the answer's stream cancelled the upstream call.
        }
    }

    /** Over {@code max-concurrent-requests}: refused at once (no queue), as a retryable 503 the client's SDK retries. */
    private GatewayException atCapacity() {
        return new GatewayException.Overloaded("The gateway is handling its limit of " + maxConcurrent
                + " concurrent requests (switchboard.server.max-concurrent-requests); retry shortly.", Duration.ofSeconds(1));
    }

    private static GatewayException internal(String requestId, RuntimeException e) {
        LOG.log(Level.SEVERE, "request " + requestId + " failed inside the gateway", e);
        return new GatewayException.Internal("Internal gateway error (request id " + requestId + ").", e);
    }

    /** A chat reply as a stream of chunks, whether the pipeline produced it whole or streamed. */
    static ChatStream chunks(Reply reply) {
        return switch (reply) {
            case Reply.Complete c -> StreamOfResponse.of(c.response());
            case Reply.Streaming s -> s.stream();
            case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat request");
        };
    }

    BodyReadWatch bodyReads() {
        return bodyReads;
    }

    SseKeepAlive keepAlive() {
        return keepAlive;
    }

    /** The same key check as the pipeline's AuthStage, for every keyed endpoint before it runs. */
    private Principal authenticate(ServerRequest req) {
        return auth == null ? Principal.ANONYMOUS : auth.authenticate(HttpIo.credentials(req));
    }

    /** Who the request being handled is from, as the key check before its handler found (anonymous without keys). */
    static Principal principal() {
        return CALL.get().principal;
    }

    Cors cors() {
        return cors;
    }

    boolean draining() {
        return draining.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * Ends every request still in flight for {@code reason} (the grace period is over): a request waiting in the
     * pipeline fails with it, a stream ends with it as its error event, and the ledger records it.
     */
    void cut(GatewayException reason) {
        calls.forEach(c -> c.cut(reason));
    }

    /** Stops taking new requests and waits up to {@code graceMillis} for in-flight ones (streams included). */
    boolean drain(long graceMillis) throws InterruptedException {
        draining.set(true);
        long deadline = System.nanoTime() + graceMillis * 1_000_000;
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) return false;
                idle.wait(left);
            }
        }
        return true;
    }

    /**
     * Failures before the request reached the pipeline (bad JSON, too large, wrong key on a listing) get
     * the same one-line log the pipeline's ObserveStage writes; pipeline failures were logged there.
     */
    private static void logEdgeFailure(ServerRequest req, String requestId, GatewayException e) {
        var line = Json.object().put("ts", java.time.Instant.now().toString()).put("request_id", requestId)
                .put("path", req.path().path()).put("status", e.status()).put("error_type", e.type())
                .put("error", e.getMessage());
        AccessLog.LOGGER.info(line.toString());
    }

    /** A read of the current request's body, ended when it stalls past {@code body-timeout}. */
    static BodyReadWatch.Read watchBodyRead() {
        return CALL.isBound() ? CALL.get().bodyReads.start() : BodyReadWatch.Read.UNWATCHED;
    }

    /**
     * The request's body cannot be read to its end (its chunked framing is broken): its answer closes the connection,
     * as the next request's start cannot be found; otherwise the server would wait to drain the rest of the body.
     */
    static void closeConnectionAfterAnswer() {
        if (CALL.isBound()) CALL.get().closeConnection = true;
    }

    /**
     * One request on its handler thread, for {@link #cut}. The thread is interrupted only while it waits inside the
     * pipeline (an upstream call, a retry's back-off, the next chunk), never while it writes to the client: an
     * interrupted socket write closes the connection, and a cut request must still be told why it ends.
     */
    private static final class Call implements BufferedBytes.Holder {
        private final Thread thread = Thread.currentThread();
        private final BodyReadWatch bodyReads;
        private final BodyBudget bodyBudget;
        private boolean closeConnection; // only the handler thread reads and writes it
        private Principal principal = Principal.ANONYMOUS; // set by the key check, before the handler runs
        // Guarded by this (a decomposed prompt's parts hold their answers from their own threads): budget units held,
        // given back when the request ends; a part still running after that holds nothing.
        private int held;
        private boolean released;

        Call(BodyReadWatch bodyReads, BodyBudget bodyBudget) {
            this.bodyReads = bodyReads;
            this.bodyBudget = bodyBudget;
        }

        @Override
        public void hold(long bytes) {
            int holding;
            synchronized (this) {
                holding = held;
            }
            int units = bodyBudget.take(bytes, holding); // may wait for room: not under the lock, which the release needs
            synchronized (this) {
                if (!released) {
                    held += units;
                    return;
                }
            }
            bodyBudget.give(units);
        }

        synchronized void releaseHeld() {
            released = true;
            bodyBudget.give(held);
            held = 0;
        }
        // Guarded by this: a cut interrupts only while the thread is in the pipeline, and leaving clears its interrupt.
        private ExchangeContext context;
        private GatewayException cut;
        private boolean inPipeline;

        /** Runs {@code work} in the pipeline; once the request is cut, it fails with the cut's reason, whatever happened. */
        <T> T inPipeline(ExchangeContext exchange, Supplier<T> work) {
            enter(exchange);
            T result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                GatewayException reason = leave();
                throw reason != null ? reason : e;
            }
            GatewayException reason = leave();
            if (reason != null) throw reason;
            return result;
        }

        /** A stream whose every read is {@link #inPipeline}: a cut ends it with its reason before the next chunk. */
        ChatStream watch(ExchangeContext exchange, ChatStream stream) {
            Supplier<Optional<ChatChunk>> read = stream::next; // one for the stream, not one per chunk
            return new ChatStream.Forwarding(stream) {
                @Override
                public Optional<ChatChunk> next() {
                    return inPipeline(exchange, read);
                }
            };
        }

        /**
         * Whether the request reached the pipeline, whose ObserveStage then logged its outcome. Read by the handler
         * thread, the only one that sets it.
         */
        boolean enteredPipeline() {
            return context != null;
        }

        private synchronized void enter(ExchangeContext exchange) {
            context = exchange;
            if (cut != null) throw cut;
            inPipeline = true;
        }

        /** The cut's reason, if the request was cut; its interrupt is then cleared, so the error can still be written. */
        private synchronized GatewayException leave() {
            inPipeline = false;
            if (cut != null) Thread.interrupted();
            return cut;
        }

        synchronized void cut(GatewayException reason) {
            // An exchange whose outcome is already recorded is as good as done: it finishes writing.
            if (cut != null || (context != null && !context.cut(reason))) return;
            cut = reason;
            if (inPipeline) thread.interrupt();
        }
    }
}
