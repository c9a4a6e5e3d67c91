package dev.switchboard.server;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.ServerSettings;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.time.Duration;
import java.util.logging.Logger;

/** The HTTP server: endpoints registered over one engine, with graceful shutdown. */
public final class SwitchboardServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SwitchboardServer.class.getName());
    /** How long requests cut at the end of the grace period get to write their error and end. */
    private static final long CUT_WAIT_MILLIS = 300;

    private final Switchboard engine;
    private final Gate gate;
    private final HeaderReadWatch headerReads;
    private final WebServer server;

    private SwitchboardServer(Switchboard engine) {
        this.engine = engine;
        this.gate = new Gate(engine);
        ServerSettings settings = engine.config().server();
        HttpRouting.Builder routing = HttpRouting.builder().addFilter(new ConnectionClose());
        Routes routes = new Routes(routing);
        gate.cors().register(routes);
        new HealthEndpoints(engine, gate).register(routes);
        new AnthropicEndpoints(engine, gate).register(routes); // before OpenAI: it claims /v1/models only for anthropic-version
        new OpenAiEndpoints(engine, gate).register(routes);
        new ResponsesEndpoints(engine, gate).register(routes);
        new SwitchboardEndpoints(engine, gate).register(routes);
        new UiEndpoints().register(routes);
        routes.registerFallback(gate);
        this.headerReads = new HeaderReadWatch(settings.headerTimeout());
        Http1Config http1 = Http1Config.builder()
                .maxHeadersSize(settings.maxHeaderBytes())
                .maxPrologueLength(settings.maxRequestLineBytes())
                .addReceiveListener(headerReads).addSendListener(headerReads)
                .build();
        ProtocolErrors protocolErrors = new ProtocolErrors(http1);
        this.server = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                .shutdownHook(false)
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .idleConnectionTimeout(settings.idleTimeout())
                .idleConnectionPeriod(idleCheckPeriod(settings.idleTimeout()))
                .contentEncoding(new IdentityOnlyDecoding())
                .protocolsDiscoverServices(false) // HTTP/1 only, through the one selector that also takes 1.0
                .addConnectionSelector(new Http1Connections(http1))
                .errorHandling(errors -> errors.includeEntity(true)) // Helidon's reason in ProtocolErrors' message
                .directHandlers(handlers -> {
                    for (DirectHandler.EventType event : DirectHandler.EventType.values()) handlers.addHandler(event, protocolErrors);
                })
                .routing(routing)
                .build();
    }

    /** Starts serving {@code engine}; the port may be 0 (any free port, see {@link #port()}). */
    public static SwitchboardServer start(Switchboard engine) {
        SwitchboardServer s = new SwitchboardServer(engine);
        s.server.start();
        // Helidon logs a listener that cannot bind and returns a stopped server: say so instead of serving nothing.
        if (!s.server.isRunning() || s.server.port() < 0) {
            s.closeWatches();
            engine.close();
            ServerSettings settings = engine.config().server();
            throw new ListenFailed("cannot listen on " + settings.host() + ":" + settings.port()
                    + " (is another process using the port, or is the address not this machine's?)");
        }
        return s;
    }

    /** The listener could not be opened. */
    public static final class ListenFailed extends RuntimeException {
        ListenFailed(String message) {
            super(message, null, false, false);
        }
    }

    public int port() {
        return server.port();
    }

    public Switchboard engine() {
        return engine;
    }

    /**
     * Graceful stop: refuse new requests, let in-flight requests and streams finish for up to the
     * configured grace period, then stop the listener and close the engine. Requests still running when the
     * grace period ends are cut: each gets an error (a stream its final error event) saying the gateway shut
     * down, and the ledger records it, before the listener closes their connections.
     */
    public void shutdown() {
        Duration grace = engine.config().server().shutdownGrace();
        try {
            if (!gate.drain(grace.toMillis())) {
                LOG.warning("shutdown grace period (" + grace + ") ended with " + gate.inFlight()
                        + " request(s) still running; stopping anyway");
                gate.cut(new GatewayException.Overloaded("The gateway shut down before this request finished (its "
                        + "shutdown grace period of " + grace.toMillis() + " ms ended); retry on another instance.",
                        null, GatewayException.Overloaded.SHUTDOWN));
                gate.drain(CUT_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        closeWatches();
        engine.close();
    }

    /** Helidon looks for idle connections every 2 minutes by default: a shorter timeout is looked at four times over. */
    private static Duration idleCheckPeriod(Duration idleTimeout) {
        return Duration.ofMillis(Math.clamp(idleTimeout.toMillis() / 4, 50, Duration.ofMinutes(2).toMillis()));
    }

    private void closeWatches() {
        headerReads.close();
        gate.keepAlive().close();
        gate.bodyReads().close();
    }

    @Override
    public void close() {
        shutdown();
    }
}
