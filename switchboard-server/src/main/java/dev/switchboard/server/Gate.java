package dev.switchboard.server;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Principal;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.stages.AuthStage;
import dev.switchboard.core.stages.AccessLog;
import dev.switchboard.core.wire.Json;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every API request passes through at the HTTP edge: a request id on the response, refusal while
 * draining for shutdown, counting of in-flight requests (so shutdown can wait for them), and one error
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

    /** Marks a request whose outcome the pipeline's ObserveStage already logged. */
    private static final String PIPELINE_LOGGED = "switchboard.pipeline-logged";

    private final Switchboard engine;
    private final AuthStage auth;
    private final Cors cors;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private final SseKeepAlive keepAlive;

    Gate(Switchboard engine) {
        this.engine = engine;
        this.auth = engine.config().masterKey().map(AuthStage::new).orElse(null);
        this.cors = new Cors(engine.config().server().corsOrigins());
        this.keepAlive = new SseKeepAlive(engine.config().server().sseKeepAlive());
    }

    Handler guard(Endpoint endpoint) {
        return guard(endpoint, HttpIo::sendOpenAiError);
    }

    Handler guard(Endpoint endpoint, ErrorWriter errors) {
        return (req, res) -> {
            String requestId = HttpIo.requestId(req);
            res.header(HttpIo.REQUEST_ID, requestId);
            cors.decorate(req, res);
            if (draining.get()) {
                res.header("connection", "close");
                errors.write(res, new GatewayException.Overloaded("The gateway is shutting down; retry on another instance.", null));
                return;
            }
            inFlight.incrementAndGet();
            try {
                endpoint.handle(req, res, requestId);
            } catch (GatewayException e) {
                if (!res.isSent()) errors.write(res, e);
                logEdgeFailure(req, requestId, e);
            } catch (CloseConnectionException e) {
                // The client went away before its answer was written: nothing is broken. Helidon closes the connection.
                LOG.log(Level.FINE, () -> "request " + requestId + ": the client closed the connection early");
                throw e;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "request " + requestId + " failed inside the gateway", e);
                if (!res.isSent()) errors.write(res, new GatewayException.Internal("Internal gateway error (request id " + requestId + ").", e));
            } finally {
                if (inFlight.decrementAndGet() == 0) {
                    synchronized (idle) {
                        idle.notifyAll();
                    }
                }
            }
        };
    }

    /** Runs an exchange and copies the pipeline's response headers, also when it fails. */
    Reply run(Exchange exchange, ServerRequest req, ServerResponse res) {
        try {
            return handle(exchange, req);
        } finally {
            HttpIo.headers(res, exchange.context().responseHeaders());
        }
    }

    /**
     * Runs an exchange without touching the response, for an endpoint whose response may already have been started
     * (a stream kept alive by {@link SseKeepAlive}): it copies the response headers when it can still send them.
     */
    Reply handle(Exchange exchange, ServerRequest req) {
        req.context().register(PIPELINE_LOGGED, Boolean.TRUE);
        return engine.handle(exchange);
    }

    SseKeepAlive keepAlive() {
        return keepAlive;
    }

    /** For endpoints outside the pipeline (model list, stats): the same key check as the pipeline's AuthStage. */
    Principal authenticate(ServerRequest req) {
        return auth == null ? Principal.ANONYMOUS : auth.authenticate(HttpIo.credentials(req));
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
        if (req.context().get(PIPELINE_LOGGED, Boolean.class).isPresent()) return;
        var line = Json.object().put("ts", java.time.Instant.now().toString()).put("request_id", requestId)
                .put("path", req.path().path()).put("status", e.status()).put("error_type", e.type())
                .put("error", e.getMessage());
        AccessLog.LOGGER.info(line.toString());
    }
}
