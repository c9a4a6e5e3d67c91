package dev.switchboard.providers.transport;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Secret;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.spi.BufferedBytes;
import dev.switchboard.core.spi.Transport;
import dev.switchboard.core.spi.TransportFactory.TransportSettings;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.spi.WireStream;
import java.io.EOFException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The shared upstream HTTP client, on Jetty's HttpClient: one pooled client for every provider.
 *
 * <p>Bodies are read on the calling (virtual) thread straight from Jetty's {@link Content.Source}, without
 * handing chunks across threads. Content decoders are cleared (no gzip in the path: LLM streams are small
 * and latency-bound) and Jetty's default {@code User-Agent} is dropped. Timeouts follow {@link Timeouts}:
 * {@code connect} bounds getting a connection and sending the request head, {@code firstByte} a stream's wait for
 * its response head, {@code idle} each wait between body reads, {@code total} the whole exchange. A whole
 * (non-streamed) answer's head comes only when the model is done, so {@link #send} waits for it, and for its
 * body's first bytes, up to the total alone.
 */
public final class JettyTransport implements Transport {
    /** How long a pooled connection may sit unused before it is closed. */
    public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** No limit is taken longer (the config allows no more): a caller's larger one must not overflow the deadline in nanoseconds. */
    static final Duration LONGEST_LIMIT = Duration.ofDays(7);

    /**
     * An answer read whole is held against the request's buffered-body room at this many times its size: parsing it
     * keeps about twice what a parsed request body does (the bytes, the parser's text buffers, the strings).
     */
    static final int WHOLE_ANSWER_WEIGHT = 2;
    /** The room an answer of unknown length takes as it is read, a step at a time. */
    private static final int HOLD_STEP = 1 << 20;

    private final HttpClient client;
    private final int maxResponseBytes;
    private final int maxReceivedBytes;

    public JettyTransport(TransportSettings settings) {
        this(settings, DEFAULT_POOL_IDLE_TIMEOUT);
    }

    public JettyTransport(TransportSettings settings, Duration poolIdleTimeout) {
        if (settings.maxConnectionsPerDestination() < 1) throw new IllegalArgumentException("maxConnectionsPerDestination must be >= 1");
        if (settings.maxResponseBytes() < 1) throw new IllegalArgumentException("maxResponseBytes must be >= 1");
        if (settings.maxReceivedBytes() < 1) throw new IllegalArgumentException("maxReceivedBytes must be >= 1");
        this.maxResponseBytes = settings.maxResponseBytes();
        this.maxReceivedBytes = settings.maxReceivedBytes();
        ClientConnector connector = new ClientConnector();
        connector.setTCPNoDelay(true);
        // A bounded buffer pool: Jetty's default keeps whatever it once needed, which under a burst of streams
        // grows native memory well past the heap. Retained buffers are capped at 16 MB heap + 16 MB direct.
        connector.setByteBufferPool(new ArrayByteBufferPool(0, -1, -1, -1, 16L << 20, 16L << 20));
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName("switchboard-upstream");
        pool.setDaemon(true);
        // Jetty runs blocking callbacks on virtual threads; selectors stay on the small platform pool.
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        connector.setExecutor(pool);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        // Every listener here only completes a future or releases a semaphore, so responses are parsed and handed
        // over on the selector thread instead of on a task dispatched per read: one thread hop less per call.
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        client = new HttpClient(transport);
        client.setExecutor(pool);
        client.setName("switchboard-upstream");
        client.setMaxConnectionsPerDestination(settings.maxConnectionsPerDestination());
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, settings.maxConnectionsPerDestination() * 4));
        client.setIdleTimeout(poolIdleTimeout.toMillis());
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the upstream HTTP client", e);
        }
        // Decoders are registered while starting; cleared afterwards, no Accept-Encoding is sent either.
        client.getContentDecoderFactories().clear();
        // Jetty would handle a 401/407 itself (with its own, empty, credentials store) and fails one without a
        // WWW-Authenticate header as a protocol violation: the gateway then saw a broken connection and
        // retried an auth error. Upstream auth errors are the adapters' to map, never retried.
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
    }

    @Override
    public WireResponse send(WireRequest request, Timeouts timeouts) {
        return read(request, timeouts, maxResponseBytes, "max-response-bytes", (status, headers, body) -> {
            long declared = contentLength(headers);
            if (declared >= 0) {
                // Exactly that many bytes: one array, not a buffer and a copy. Room first, so answers arriving at once
                // wait for each other rather than fill the heap together.
                BufferedBytes.hold(declared * WHOLE_ANSWER_WEIGHT);
                return new WireResponse(status, headers, body.readNBytes((int) declared));
            }
            // No length to go by: room for what has come, a step at a time (a short answer takes only its own).
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            for (int step; (step = Math.min(HOLD_STEP, maxResponseBytes - whole.size())) > 0; ) {
                byte[] part = body.readNBytes(step);
                BufferedBytes.hold((long) part.length * WHOLE_ANSWER_WEIGHT);
                whole.write(part, 0, part.length);
                if (part.length < step) break;
            }
            return new WireResponse(status, headers, whole.toByteArray());
        });
    }

    @Override
    public <T> T receive(WireRequest request, Timeouts timeouts, AnswerReader<T> reader) {
        return read(request, timeouts, maxReceivedBytes, "max-embeddings-response-bytes", reader);
    }

    /**
     * The answer's body to {@code reader}, failing the call once it passes {@code limit} bytes, read or left unread;
     * {@code key} names the limit's setting under {@code switchboard.upstream}.
     */
    private <T> T read(WireRequest request, Timeouts timeouts, int limit, String key, AnswerReader<T> reader) {
        try (WireStream stream = open(request, timeouts, false)) {
            LimitedBody body = new LimitedBody(stream.body(), limit, host(request.uri()) + " sent a response larger than "
                    + limit + " bytes (switchboard.upstream." + key + ")");
            // Known before a byte of it is read: the connection is dropped rather than drained.
            if (contentLength(stream.headers()) > limit) throw body.tooLarge();
            try {
                T answer = reader.read(stream.status(), stream.headers(), body);
                // The body's end, read: the connection goes back to the pool (and an answer over the limit is one).
                body.skipToEnd();
                return answer;
            } catch (IOException e) {
                throw failure(e, request.uri(), true);
            }
        }
    }

    /** An answer's body, failing the call once it passes the largest answer the gateway reads. */
    private static final class LimitedBody extends java.io.FilterInputStream {
        private final long limit;
        private final String tooLarge;
        private long read;

        LimitedBody(InputStream in, long limit, String tooLarge) {
            super(in);
            this.limit = limit;
            this.tooLarge = tooLarge;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) counted(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) counted(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            int chunk = (int) Math.max(0, Math.min(n, 8192));
            return Math.max(0, read(new byte[chunk], 0, chunk)); // counted like a read
        }

        void skipToEnd() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // counted: an answer that goes on past the limit fails here
            }
        }

        private void counted(int n) {
            read += n;
            if (read > limit) throw tooLarge();
        }

        GatewayException.UpstreamError tooLarge() {
            return new GatewayException.UpstreamError(tooLarge, 502, null);
        }
    }

    @Override
    public WireStream open(WireRequest request, Timeouts timeouts) {
        return open(request, timeouts, true);
    }

    /** @param streamed a stream's head must come within {@code firstByte}; a whole answer's within the total */
    private WireStream open(WireRequest wire, Timeouts limits, boolean streamed) {
        Timeouts timeouts = limits.cappedAt(LONGEST_LIMIT);
        long start = System.nanoTime();
        long deadline = start + timeouts.total().toNanos();
        Request request;
        try {
            request = client.newRequest(wire.uri());
        } catch (IllegalArgumentException e) {
            // The URL comes from api_base, whose userinfo or query may hold a credential: quote it redacted, and
            // leave out the cause, whose message quotes it as it is.
            throw new GatewayException.ConnectionFailed("cannot call '" + Secret.redactUrl(wire.uri().toString()) + "': "
                    + withoutSecretsOf(wire.uri(), String.valueOf(e.getMessage())), null);
        }
        request.method(wire.method())
                .timeout(timeouts.total().toMillis(), TimeUnit.MILLISECONDS)
                // Our own waits enforce connect/firstByte/idle precisely; Jetty's idle timer only backs them up.
                .idleTimeout(timeouts.total().toMillis() + 1000, TimeUnit.MILLISECONDS);
        String contentType = wire.headers().first("Content-Type").orElse("application/json");
        request.headers(h -> wire.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) h.add(name, value);
        }));
        if (wire.body() != null && wire.body().length > 0) request.body(new BytesRequestContent(contentType, wire.body()));

        CompletableFuture<Void> committed = new CompletableFuture<>();
        CompletableFuture<JettyWireStream> head = new CompletableFuture<>();
        request.onRequestCommit(r -> committed.complete(null));
        request.onResponseContentSource((response, source) ->
                head.complete(new JettyWireStream(request, response, source, timeouts.idle(), streamed, deadline)));
        request.send(result -> {
            if (result.isFailed()) {
                committed.completeExceptionally(result.getFailure());
                head.completeExceptionally(result.getFailure());
            }
        });

        await(committed, request, timeouts.connect(), deadline, timeouts.total(),
                limit -> "could not connect to " + host(wire.uri()) + " within " + limit);
        return await(head, request, streamed ? timeouts.firstByte() : timeouts.total(), deadline, timeouts.total(),
                limit -> host(wire.uri()) + " sent no response head within " + limit);
    }

    /** Waits for one phase, bounded by its own limit and by what is left of the total. */
    private static <T> T await(CompletableFuture<T> future, Request request, Duration phase, long deadline, Duration total,
            java.util.function.Function<String, String> timeoutMessage) {
        long remaining = deadline - System.nanoTime();
        boolean totalBinds = remaining < phase.toNanos();
        try {
            return future.get(Math.max(0, Math.min(phase.toNanos(), remaining)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            String message = timeoutMessage.apply(totalBinds ? "the total timeout of " + total.toMillis() + " ms"
                    : phase.toMillis() + " ms");
            request.abort(new TimeoutException(message));
            throw new GatewayException.UpstreamTimeout(message);
        } catch (ExecutionException e) {
            // Jetty's own timer backs ours up with the same total; on a loaded machine it can fire first: same words.
            if (e.getCause() instanceof TimeoutException && deadline - System.nanoTime() <= 0) {
                throw new GatewayException.UpstreamTimeout(timeoutMessage.apply("the total timeout of " + total.toMillis() + " ms"));
            }
            throw failure(e.getCause(), request.getURI(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw new GatewayException.ConnectionFailed("interrupted while calling " + host(request.getURI()), e);
        }
    }

    /**
     * Maps a transport failure into the gateway's hierarchy: timeouts vs. connections that failed or broke. The message
     * reaches the client, so it says what happened: Jetty names a connection closed early after its internals
     * (class@hash, socket and parser state, the request line), which stay in the cause, for the log.
     *
     * @param answering whether the response head had arrived (the body was being read)
     */
    static GatewayException failure(Throwable t, URI uri, boolean answering) {
        Throwable cause = t;
        while (cause instanceof ExecutionException || (cause instanceof IOException && !(cause instanceof InterruptedIOException)
                && cause.getCause() instanceof TimeoutException)) {
            cause = cause.getCause();
        }
        if (cause instanceof GatewayException g) return g;
        if (cause instanceof TimeoutException || cause instanceof InterruptedIOException) {
            return new GatewayException.UpstreamTimeout("timed out calling " + host(uri) + ": " + cause.getMessage());
        }
        if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
            return new GatewayException.ConnectionFailed("could not connect to " + host(uri) + ": unknown host", cause);
        }
        if (cause instanceof NoRouteToHostException) {
            return new GatewayException.ConnectionFailed("could not connect to " + host(uri) + ": no route to host", cause);
        }
        if (cause instanceof ConnectException) {
            String why = cause.getMessage() != null && cause.getMessage().toLowerCase(Locale.ROOT).contains("refused")
                    ? "connection refused" : "the connection failed";
            return new GatewayException.ConnectionFailed("could not connect to " + host(uri) + ": " + why, cause);
        }
        String before = answering ? " before the answer was complete" : " before sending an answer";
        if (cause instanceof EOFException || cause instanceof ClosedChannelException) {
            return new GatewayException.ConnectionFailed(host(uri) + " closed the connection" + before, cause);
        }
        if (cause instanceof SocketException && cause.getMessage() != null
                && cause.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
            return new GatewayException.ConnectionFailed(host(uri) + " reset the connection" + before, cause);
        }
        return new GatewayException.ConnectionFailed("the connection to " + host(uri) + " failed: " + describe(cause), cause);
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** The answer's declared length; -1 when it has none (or one that is not a number). */
    private static long contentLength(WireHeaders headers) {
        try {
            return headers.first("Content-Length").map(v -> Long.parseLong(v.trim())).orElse(-1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code text} with {@code uri}'s userinfo and query, wherever it quotes them, as {@code ****}. */
    private static String withoutSecretsOf(URI uri, String text) {
        String authority = uri.getRawAuthority();
        if (authority != null && authority.lastIndexOf('@') > 0) {
            text = text.replace(authority.substring(0, authority.lastIndexOf('@')), "****");
        }
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) text = text.replace(uri.getRawQuery(), "****");
        return text;
    }

    static String host(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    static WireHeaders headers(org.eclipse.jetty.http.HttpFields fields) {
        WireHeaders.Builder b = WireHeaders.builder();
        for (org.eclipse.jetty.http.HttpField f : fields) b.add(f.getName(), f.getValue());
        return b.build();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the upstream HTTP client", e);
        }
    }
}
