package dev.switchboard.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Settings of the HTTP server (config section {@code switchboard.server}) and of the shared upstream
 * connection pool ({@code switchboard.upstream}).
 *
 * @param maxBodyBytes largest request body accepted (413 above)
 * @param maxConcurrentRequests API requests (streams included) handled at once; more are refused with a 503 error
 *     object and {@code Retry-After}, while health checks still answer
 * @param requestTimeout deadline for a whole request, including retries and fallbacks
 * @param shutdownGrace how long SIGTERM waits for in-flight requests and streams
 * @param corsOrigins browser origins allowed to call the API ({@code *} for any); empty: same origin only
 * @param upstreamMaxConnections pooled connections per upstream host
 * @param upstreamMaxResponseBytes largest upstream answer read whole (chat completions, messages, model lists)
 * @param upstreamMaxEmbeddingsResponseBytes largest embeddings answer, parsed as it arrives
 * @param sseKeepAlive how long a streamed request may wait for its first token before the response is
 *     started and kept alive with SSE comments, one per interval
 * @param bodyTimeout longest wait for the next bytes of a request body; a client stalled longer loses its connection
 * @param headerTimeout longest time from a request line to the end of its headers; a client slower gets a 408 and loses
 *     its connection
 * @param idleTimeout how long a connection may wait for its next request line (or its first) before it is closed
 * @param maxHeaderBytes largest header section of a request (431 above)
 * @param maxRequestLineBytes longest request line, method and URL included (414 above)
 * @param upstreamMaxEventBytes largest single event (or line) of an upstream stream read
 * @param maxBufferedBodyBytes request bodies and upstream answers read whole held at once, all requests together; one
 *     that would pass it waits briefly, then its request gets a 503 error object with {@code Retry-After}
 * @param storedResponsesBytes room for stored /v1/responses answers and their conversations (0: none are stored)
 * @param storedResponsesTtl how long a stored response can be fetched or continued
 */
public record ServerSettings(
        String host,
        int port,
        long maxBodyBytes,
        int maxConcurrentRequests,
        Duration requestTimeout,
        Duration shutdownGrace,
        boolean logRequests,
        List<String> corsOrigins,
        int upstreamMaxConnections,
        int upstreamMaxResponseBytes,
        int upstreamMaxEmbeddingsResponseBytes,
        Duration sseKeepAlive,
        Duration bodyTimeout,
        Duration headerTimeout,
        Duration idleTimeout,
        int maxHeaderBytes,
        int maxRequestLineBytes,
        int upstreamMaxEventBytes,
        long maxBufferedBodyBytes,
        long storedResponsesBytes,
        Duration storedResponsesTtl) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 4000;
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT = 1024;
    /** Below the 60 s idle limit of common load balancers (AWS ALB, nginx's proxy_read_timeout). */
    public static final Duration DEFAULT_SSE_KEEP_ALIVE = Duration.ofSeconds(15);
    /** As nginx's client_body_timeout. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    /** As nginx's client_header_timeout. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(60);
    /** The web server's own default. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** The web server's own defaults (nginx's large_client_header_buffers allow 8 KB per line). */
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 4 * 1024;
    /**
     * An answer read whole takes ~6 times its size in the heap while it is parsed (the bytes, the parser's text
     * buffers, the string): 16 MB is far above any chat answer's text, and one still fits the launcher's 128 MB heap.
     */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
    /**
     * OpenAI's largest batch (2,048 inputs × 3,072 floats) is ~80 MB of JSON; parsed as it arrives it holds only its
     * floats, ~4 bytes each.
     */
    public static final int DEFAULT_MAX_EMBEDDINGS_RESPONSE_BYTES = 128 * 1024 * 1024;
    /** Far above any provider's stream event (a streamed image's base64 is a few MB), far below the heap. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;
    /**
     * A parsed body takes ~3-4 times its size in the heap while its request runs (the bytes, the JSON, what goes
     * upstream): 24 MB of bodies stays inside the launcher's 128 MB heap, and still takes two maximum bodies.
     */
    public static final long DEFAULT_MAX_BUFFERED_BODY_BYTES = 24L * 1024 * 1024;
    /** Room for /v1/responses answers kept for previous_response_id and GET: thousands of turns, a small share of the heap. */
    public static final long DEFAULT_STORED_RESPONSES_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_STORED_RESPONSES_TTL = Duration.ofHours(1);

    public ServerSettings {
        corsOrigins = List.copyOf(corsOrigins);
    }

    public static ServerSettings defaults() {
        return new ServerSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENT,
                Duration.ofSeconds(600), Duration.ofSeconds(30), true, List.of(), 1024, DEFAULT_MAX_RESPONSE_BYTES,
                DEFAULT_MAX_EMBEDDINGS_RESPONSE_BYTES, DEFAULT_SSE_KEEP_ALIVE, DEFAULT_BODY_TIMEOUT,
                DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_REQUEST_LINE_BYTES, DEFAULT_MAX_EVENT_BYTES,
                DEFAULT_MAX_BUFFERED_BODY_BYTES, DEFAULT_STORED_RESPONSES_BYTES, DEFAULT_STORED_RESPONSES_TTL);
    }

    public ServerSettings withHost(String h) {
        return new ServerSettings(h, port, maxBodyBytes, maxConcurrentRequests, requestTimeout, shutdownGrace,
                logRequests, corsOrigins, upstreamMaxConnections, upstreamMaxResponseBytes, upstreamMaxEmbeddingsResponseBytes,
                sseKeepAlive, bodyTimeout, headerTimeout, idleTimeout, maxHeaderBytes, maxRequestLineBytes, upstreamMaxEventBytes,
                maxBufferedBodyBytes, storedResponsesBytes, storedResponsesTtl);
    }

    public ServerSettings withPort(int p) {
        return new ServerSettings(host, p, maxBodyBytes, maxConcurrentRequests, requestTimeout, shutdownGrace,
                logRequests, corsOrigins, upstreamMaxConnections, upstreamMaxResponseBytes, upstreamMaxEmbeddingsResponseBytes,
                sseKeepAlive, bodyTimeout, headerTimeout, idleTimeout, maxHeaderBytes, maxRequestLineBytes, upstreamMaxEventBytes,
                maxBufferedBodyBytes, storedResponsesBytes, storedResponsesTtl);
    }

    public ServerSettings withUpstreamPool(int maxConnections, int maxResponseBytes, int maxEmbeddingsResponseBytes,
            int maxEventBytes) {
        return new ServerSettings(host, port, maxBodyBytes, maxConcurrentRequests, requestTimeout, shutdownGrace,
                logRequests, corsOrigins, maxConnections, maxResponseBytes, maxEmbeddingsResponseBytes, sseKeepAlive,
                bodyTimeout, headerTimeout, idleTimeout, maxHeaderBytes, maxRequestLineBytes, maxEventBytes,
                maxBufferedBodyBytes, storedResponsesBytes, storedResponsesTtl);
    }
}
