package dev.switchboard.bench;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An asynchronous proxy's floor on this machine: Jetty's reverse proxy, whose server and client move bytes in
 * callbacks (on their selector and pool threads) instead of one blocking thread per request. It parses no JSON, so it
 * is a lower bound for a gateway built that way, next to {@link StackFloorProxy} (the stack the gateway is built on)
 * and {@link TcpRelayFloor} (no thread crossed at all). Measured by {@code bench/first-byte.sh}.
 *
 * <p>{@code java -cp switchboard-bench/target/benchmarks.jar dev.switchboard.bench.JettyAsyncFloorProxy PORT UPSTREAM_BASE}
 */
public final class JettyAsyncFloorProxy {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String upstream = args[1].replaceAll("/v1/?$", "");
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jetty-async-floor");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptedTcpNoDelay(true);
        server.addConnector(connector);
        ClientConnector clientConnector = new ClientConnector();
        clientConnector.setTCPNoDelay(true);
        clientConnector.setSelectors(1);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(clientConnector));
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(1024);
        client.setUserAgentField(null);
        ProxyHandler.Reverse proxy = new ProxyHandler.Reverse(request ->
                HttpURI.build(upstream + request.getHttpURI().getPathQuery()));
        proxy.setHttpClient(client);
        server.setHandler(proxy);
        server.start();
        client.getContentDecoderFactories().clear();
        System.out.println("jetty async floor listening on " + port + " -> " + upstream);
        server.join();
    }
}
