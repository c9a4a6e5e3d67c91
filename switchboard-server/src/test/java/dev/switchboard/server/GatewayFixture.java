package dev.switchboard.server;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.SwitchboardConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A real gateway on a free loopback port, built from YAML, for end-to-end tests. */
final class GatewayFixture implements AutoCloseable {
    final SwitchboardServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(SwitchboardServer server) {
        this.server = server;
    }

    /** The YAML must not set a port; the ledger is off unless the YAML turns it on. */
    static GatewayFixture start(String yaml) {
        return start(yaml, Map.of());
    }

    static GatewayFixture start(String yaml, Map<String, String> env) {
        String withServer = yaml.contains("switchboard:") ? yaml
                : yaml + "\nswitchboard:\n  server: {port: 0}\n  ledger: {store: none}\n";
        SwitchboardConfig config = new ConfigLoader(env::get, Switchboard.availableProviders()).parse(withServer, "test");
        return new GatewayFixture(SwitchboardServer.start(Switchboard.create(config)));
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    String v1() {
        return base() + "/v1";
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send("GET", path, headers);
    }

    /** A request without a body, with any method. */
    HttpResponse<String> send(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
