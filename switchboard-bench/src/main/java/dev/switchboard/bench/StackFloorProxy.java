package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.spi.Transport;
import dev.switchboard.core.spi.TransportFactory.TransportSettings;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.spi.WireStream;
import dev.switchboard.providers.transport.JettyTransport;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;

/**
 * The floor under the gateway's overhead: the same server (Helidon, virtual threads, TCP_NODELAY), the same
 * upstream client ({@link JettyTransport}) and the same JSON library, with nothing between them but
 * parse → set model → serialise. Benchmarked next to the gateway by {@code bench/overhead.sh} (target
 * {@code stack-floor}), it separates what this stack costs on the machine from what the pipeline adds.
 *
 * <p>{@code java -cp switchboard-bench/target/benchmarks.jar dev.switchboard.bench.StackFloorProxy PORT UPSTREAM_BASE}
 */
public final class StackFloorProxy {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        URI upstream = URI.create(args[1].replaceAll("/$", "") + "/chat/completions");
        Transport transport = new JettyTransport(TransportSettings.DEFAULT);
        HttpRouting.Builder routing = HttpRouting.builder()
                .get("/health", (req, res) -> res.send("ok"))
                .post("/v1/chat/completions", (req, res) -> proxy(req, res, transport, upstream));
        WebServer.builder().host("127.0.0.1").port(port).shutdownHook(false)
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .routing(routing).build().start();
        System.out.println("stack floor listening on " + port + " -> " + upstream);
        Thread.currentThread().join();
    }

    private static void proxy(ServerRequest req, ServerResponse res, Transport transport, URI upstream) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(req.content().inputStream());
        body.put("model", body.path("model").asText());
        WireRequest wire = WireRequest.post(upstream,
                WireHeaders.of("Content-Type", "application/json", "Authorization", "Bearer sk-bench"),
                JSON.writeValueAsBytes(body));
        if (!body.path("stream").asBoolean(false)) {
            WireResponse answer = transport.send(wire, Timeouts.DEFAULT);
            res.status(Status.create(answer.status()));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(answer.body());
            return;
        }
        try (WireStream stream = transport.open(wire, Timeouts.DEFAULT)) {
            res.status(Status.create(stream.status()));
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            InputStream in = stream.body();
            byte[] buffer = new byte[8192];
            try (OutputStream out = res.outputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        }
    }
}
