package dev.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a real server (a database, say) that a test can take away and bring back on the same
 * port: {@link #cut()} closes the listener and every relayed connection, as a server that went away would;
 * {@link #restore()} listens again. {@link #stall()} keeps every connection open but holds what either side sends, as
 * a server that stopped answering (or a network dropping packets) would, until {@link #resume()}. Loopback only.
 */
public final class TcpRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private int port;
    private final Object stalled = new Object();
    private boolean stalling;

    private TcpRelay(InetSocketAddress target) {
        this.target = target;
    }

    /** Relays a free loopback port to {@code host:port}. */
    public static TcpRelay to(String host, int port) {
        TcpRelay relay = new TcpRelay(new InetSocketAddress(host, port));
        relay.listen(0);
        return relay;
    }

    public int port() {
        return port;
    }

    /** The server goes away: no new connection is accepted and every open one is closed. */
    public synchronized void cut() {
        closeQuietly(listener);
        listener = null;
        sockets.forEach(TcpRelay::closeQuietly);
        sockets.clear();
    }

    /** The server is back, on the same port. */
    public synchronized void restore() {
        if (listener == null) listen(port);
    }

    /** The server goes silent: connections stay open, nothing is passed on until {@link #resume()}. */
    public void stall() {
        synchronized (stalled) {
            stalling = true;
        }
    }

    /** What was held back is passed on, and what follows. */
    public void resume() {
        synchronized (stalled) {
            stalling = false;
            stalled.notifyAll();
        }
    }

    @Override
    public void close() {
        resume();
        cut();
    }

    private synchronized void listen(int onPort) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
            port = s.getLocalPort();
            listener = s;
            Thread.ofVirtual().name("tcp-relay-accept-" + port).start(() -> accept(s));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + onPort, e);
        }
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // cut
            }
            Socket server = new Socket();
            try {
                server.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            sockets.add(client);
            sockets.add(server);
            if (listener != s) { // cut while connecting
                closeQuietly(client);
                closeQuietly(server);
                return;
            }
            Thread.ofVirtual().start(() -> pipe(client, server));
            Thread.ofVirtual().start(() -> pipe(server, client));
        }
    }

    private void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (stalled) {
                    while (stalling) stalled.wait();
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // one side closed or was cut
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
