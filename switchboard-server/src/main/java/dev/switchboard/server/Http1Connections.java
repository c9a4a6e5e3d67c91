package dev.switchboard.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

/**
 * Every connection of the listener: HTTP/1.1 as Helidon serves it, and HTTP/1.0 clients (load-balancer health checks,
 * ApacheBench, nginx's default {@code proxy_http_version}) served as one HTTP/1.1 request per connection. Helidon 4.5
 * speaks HTTP/1.1 only and answers 1.0 with a 505 (its prologue parser has no option for it), so a connection whose
 * first line ends in {@code HTTP/1.0} goes to Helidon's own HTTP/1.1 connection with the request rewritten as 1.1
 * would say it: version 1.1, {@code Connection: close} (the answer then says so and {@link ConnectionClose} ends the
 * connection: 1.0 keep-alive is not offered), and a {@code Host} when the client sent none (1.0 does not require one).
 * The answer keeps its {@code HTTP/1.1} status line, as RFC 9110 §6.2 has a server do; a chunked one (a stream) loses
 * its chunk framing, which a 1.0 client does not read (RFC 9112 §6.1), and ends when the connection closes.
 * Registered as the listener's only selector, so Helidon hands it every connection without asking {@link #supports}.
 * The first bytes are awaited inside the connection's {@code handle}, where the idle-connection check sees it.
 */
final class Http1Connections implements ServerConnectionSelector {
    private static final String HTTP_1_0_LINE_END = " HTTP/1.0\r";
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern HOST_LINE = Pattern.compile("(?im)^host:");

    private final Http1ConnectionSelector http11;

    Http1Connections(Http1Config config) {
        this.http11 = Http1ConnectionSelector.builder().config(config).build();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new FirstBytesDecide(ctx);
    }

    /**
     * Serves the connection as its first bytes say. Until they come it counts as idle, as a connection waiting for its
     * next request does, so the server's idle-connection check ends one that never speaks.
     */
    private final class FirstBytesDecide implements ServerConnection {
        private final ConnectionContext ctx;
        private final long opened = System.nanoTime();
        private volatile Thread thread;
        private volatile ServerConnection chosen;
        private volatile boolean closed;

        FirstBytesDecide(ConnectionContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            thread = Thread.currentThread();
            boolean http10;
            try {
                http10 = http10(ctx.dataReader());
            } catch (RuntimeException e) {
                if (closed) throw new CloseConnectionException("closed before its first request", e);
                throw e;
            }
            if (closed) throw new CloseConnectionException("closed before its first request");
            ServerConnection connection = http10 ? http11.connection(new AsHttp11(ctx)) : http11.connection(ctx);
            chosen = connection;
            connection.handle(limit);
        }

        @Override
        public Duration idleTime() {
            ServerConnection connection = chosen;
            return connection != null ? connection.idleTime() : Duration.ofNanos(System.nanoTime() - opened);
        }

        @Override
        public void close(boolean interrupt) {
            ServerConnection connection = chosen;
            if (connection != null) {
                connection.close(interrupt);
                return;
            }
            closed = true;
            Thread waiting = thread;
            if (waiting != null) waiting.interrupt(); // ends the wait for the first bytes
        }
    }

    /** Whether the first line, when it came whole with the first bytes, ends in HTTP/1.0. */
    private static boolean http10(DataReader reader) {
        try {
            reader.ensureAvailable();
        } catch (DataReader.InsufficientDataAvailableException e) {
            return false; // gone before a byte: Helidon's connection finds it so and closes
        }
        BufferData first = reader.getBuffer(reader.available());
        int lf = first.indexOf(Bytes.LF_BYTE);
        return lf > 0 && first.readString(lf).endsWith(HTTP_1_0_LINE_END);
    }

    /** The request line, {@code Connection: close} and a missing {@code Host} added: the request as HTTP/1.1 says it. */
    static byte[] asHttp11(byte[] head, String host) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        int lineEnd = text.indexOf("\r\n");
        int headEnd = text.indexOf("\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + 64);
        out.write(head, 0, lineEnd - 1);
        out.write('1');
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CLOSE);
        // Only a head that came whole can be known to lack a Host; a split one goes as it is.
        if (headEnd >= 0 && !HOST_LINE.matcher(text.substring(lineEnd + 2, headEnd + 2)).find()) {
            out.writeBytes(("Host: " + host + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(head, lineEnd + 2, head.length - lineEnd - 2);
        return out.toByteArray();
    }

    /** The connection as Helidon's HTTP/1.1 connection sees it: its first request rewritten, its answer unchunked. */
    private static final class AsHttp11 implements ConnectionContext {
        private final ConnectionContext ctx;
        private final DataReader reader;
        private final DataWriter writer;

        AsHttp11(ConnectionContext ctx) {
            this.ctx = ctx;
            DataReader socket = ctx.dataReader();
            String host = ctx.localPeer().host() + ":" + ctx.localPeer().port();
            boolean[] first = {true};
            this.reader = DataReader.create(() -> {
                try {
                    socket.ensureAvailable();
                } catch (DataReader.InsufficientDataAvailableException e) {
                    return null;
                }
                byte[] bytes = socket.readBytes(socket.available());
                if (!first[0]) return bytes;
                first[0] = false; // the selector saw the whole first line in these bytes
                return asHttp11(bytes, host);
            });
            this.writer = new Unchunked(ctx.dataWriter());
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return writer;
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }

    /**
     * The one answer of the connection, as a 1.0 client reads it: no interim {@code 100 Continue} (RFC 9110 §15.2: not
     * for 1.0), and a chunked body written as its bare data without {@code Transfer-Encoding}, delimited by the close.
     */
    static final class Unchunked implements DataWriter {
        private enum State { HEAD, PLAIN, SIZE, DATA, DATA_END, TRAILER }
        private static final int CRLF = 0x0D0A;
        private static final int CRLF_CRLF = 0x0D0A0D0A;

        private final DataWriter out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private State state = State.HEAD;
        private int lastFour; // the last bytes of the head or size line, to find its end
        private long left;

        Unchunked(DataWriter out) {
            this.out = out;
        }

        @Override
        public void write(BufferData... buffers) {
            for (BufferData b : buffers) write(b);
        }

        @Override
        public void write(BufferData buffer) {
            BufferData data = rewrite(buffer);
            if (data.available() > 0) out.write(data);
        }

        @Override
        public void writeNow(BufferData... buffers) {
            for (BufferData b : buffers) writeNow(b);
        }

        @Override
        public void writeNow(BufferData buffer) {
            BufferData data = rewrite(buffer);
            if (data.available() > 0) out.writeNow(data);
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.close();
        }

        private BufferData rewrite(BufferData buffer) {
            byte[] in = buffer.readBytes();
            ByteArrayOutputStream result = new ByteArrayOutputStream(in.length);
            int i = 0;
            while (i < in.length) {
                switch (state) {
                    case PLAIN -> {
                        result.write(in, i, in.length - i);
                        i = in.length;
                    }
                    case TRAILER -> i = in.length;
                    case HEAD -> {
                        if (lineByte(in[i++]) == CRLF_CRLF) head(result);
                    }
                    case SIZE -> {
                        if ((lineByte(in[i++]) & 0xFFFF) == CRLF) {
                            String size = line.toString(StandardCharsets.US_ASCII).strip();
                            int extension = size.indexOf(';');
                            left = Long.parseLong(extension < 0 ? size : size.substring(0, extension).strip(), 16);
                            endLine();
                            state = left == 0 ? State.TRAILER : State.DATA;
                        }
                    }
                    case DATA -> {
                        int n = (int) Math.min(left, in.length - i);
                        result.write(in, i, n);
                        i += n;
                        left -= n;
                        if (left == 0) {
                            left = 2;
                            state = State.DATA_END;
                        }
                    }
                    case DATA_END -> {
                        i++;
                        if (--left == 0) state = State.SIZE;
                    }
                }
            }
            return BufferData.create(result.toByteArray());
        }

        private void head(ByteArrayOutputStream result) {
            String head = line.toString(StandardCharsets.ISO_8859_1);
            endLine();
            if (head.startsWith("HTTP/1.1 1")) return; // interim: the final answer's head follows
            StringBuilder kept = new StringBuilder(head.length());
            boolean chunked = false;
            for (String header : head.split("\r\n", -1)) {
                if (header.toLowerCase(Locale.ROOT).replace(" ", "").equals("transfer-encoding:chunked")) {
                    chunked = true;
                } else {
                    kept.append(header).append("\r\n");
                }
            }
            kept.setLength(kept.length() - 2); // the split's last two (empty) lines gave the head's final CRLF CRLF
            result.writeBytes(kept.toString().getBytes(StandardCharsets.ISO_8859_1));
            state = chunked ? State.SIZE : State.PLAIN;
        }

        private int lineByte(byte b) {
            line.write(b);
            lastFour = lastFour << 8 | (b & 0xFF);
            return lastFour;
        }

        private void endLine() {
            line.reset();
            lastFour = 0;
        }
    }
}
