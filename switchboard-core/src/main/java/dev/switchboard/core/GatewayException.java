package dev.switchboard.core;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every failure the gateway reports: one sealed hierarchy, split into {@link Retryable} (worth another
 * attempt, here or on another deployment) and {@link Fatal} (the same request would fail again).
 * Context-window and content-filter rejections are their own types because the fallback stage reacts
 * to them. Each carries the HTTP status and OpenAI error {@code type}/{@code code}/{@code param} the
 * client should see; ingress codecs map these to their own wire format.
 */
public abstract sealed class GatewayException extends RuntimeException
        permits GatewayException.Retryable, GatewayException.Fatal {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Duration retryAfter;

    protected GatewayException(String message, int status, String type, String code, String param, Throwable cause) {
        this(message, status, type, code, param, null, cause);
    }

    protected GatewayException(String message, int status, String type, String code, String param, Duration retryAfter,
            Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    /** HTTP status for the client. */
    public int status() { return status; }

    /** OpenAI error type, e.g. {@code invalid_request_error}. */
    public String type() { return type; }

    public Optional<String> code() { return Optional.ofNullable(code); }

    public Optional<String> param() { return Optional.ofNullable(param); }

    public boolean retryable() { return this instanceof Retryable; }

    /** How long the client should wait before trying again (the upstream's word, or the gateway's), if known. */
    public Optional<Duration> retryAfter() { return Optional.ofNullable(retryAfter); }

    /**
     * {@link #retryAfter()} as a {@code Retry-After} header's whole seconds: rounded up (a client that came back a
     * fraction of a second early would be refused again), and at least 1.
     */
    public OptionalLong retryAfterSeconds() {
        if (retryAfter == null) return OptionalLong.empty();
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        return OptionalLong.of(Math.max(1, seconds));
    }

    // ---------------------------------------------------------------- retryable

    public abstract static sealed class Retryable extends GatewayException
            permits RateLimited, Overloaded, UpstreamError, UpstreamTimeout, ConnectionFailed {
        protected Retryable(String message, int status, String type, String code, Duration retryAfter, Throwable cause) {
            super(message, status, type, code, null, retryAfter, cause);
        }
    }

    /** 429: a rate limit or quota, ours or the upstream's. */
    public static final class RateLimited extends Retryable {
        public RateLimited(String message, Duration retryAfter) {
            super(message, 429, "rate_limit_error", "rate_limit_exceeded", retryAfter, null);
        }
    }

    /** 503/529: the upstream is overloaded or unavailable for now. */
    public static final class Overloaded extends Retryable {
        /** Code of a request the gateway ended unfinished because it is shutting down (retry on another instance). */
        public static final String SHUTDOWN = "gateway_shutdown";

        public Overloaded(String message, Duration retryAfter) {
            this(message, retryAfter, "overloaded");
        }

        public Overloaded(String message, Duration retryAfter, String code) {
            super(message, 503, "server_error", code, retryAfter, null);
        }
    }

    /** A 5xx (or 408/409) from the upstream; the client sees 502 because the gateway itself is fine. */
    public static final class UpstreamError extends Retryable {
        private final int upstreamStatus;

        public UpstreamError(String message, int upstreamStatus, Duration retryAfter) {
            super(message, 502, "server_error", "upstream_error", retryAfter, null);
            this.upstreamStatus = upstreamStatus;
        }

        public int upstreamStatus() { return upstreamStatus; }
    }

    /** The upstream did not answer (or stopped streaming) in time: 504. */
    public static final class UpstreamTimeout extends Retryable {
        public UpstreamTimeout(String message) {
            super(message, 504, "timeout_error", "upstream_timeout", null, null);
        }
    }

    /** Could not reach the upstream, or the connection broke: 502. */
    public static final class ConnectionFailed extends Retryable {
        public ConnectionFailed(String message, Throwable cause) {
            super(message, 502, "server_error", "upstream_unreachable", null, cause);
        }
    }

    // ---------------------------------------------------------------- fatal

    public abstract static sealed class Fatal extends GatewayException
            permits BadRequest, AuthenticationFailed, PermissionDenied, NotFound, MethodNotAllowed, ContextWindowExceeded,
                    ContentFiltered, PayloadTooLarge, Unsupported, Internal, ClientClosed, BuffersFull {
        protected Fatal(String message, int status, String type, String code, String param, Throwable cause) {
            super(message, status, type, code, param, cause);
        }

        protected Fatal(String message, int status, String type, String code, Duration retryAfter) {
            super(message, status, type, code, null, retryAfter, null);
        }
    }

    /**
     * 503: the gateway holds its limit of request bodies and upstream answers in memory
     * ({@code switchboard.server.max-buffered-body-bytes}). The gateway's own state, not the upstream's: never retried
     * on another deployment nor held against one; the client is told when to come back.
     */
    public static final class BuffersFull extends Fatal {
        public BuffersFull(String message, Duration retryAfter) {
            super(message, 503, "server_error", "overloaded", retryAfter);
        }
    }

    /**
     * 400: the request is malformed or invalid. {@code param} names the offending field. An upstream's 422 keeps its
     * status, so SDKs raise the same error they would against the upstream.
     */
    public static final class BadRequest extends Fatal {
        public BadRequest(String message, String param) {
            super(message, 400, "invalid_request_error", null, param, null);
        }

        public BadRequest(String message, String param, String code) {
            this(message, param, code, 400);
        }

        public BadRequest(String message, String param, String code, int status) {
            super(message, status, "invalid_request_error", code, param, null);
        }
    }

    /** 401: missing or wrong key (the client's, or the upstream rejected ours). */
    public static final class AuthenticationFailed extends Fatal {
        public AuthenticationFailed(String message) {
            super(message, 401, "authentication_error", "invalid_api_key", null, null);
        }
    }

    /** 403. */
    public static final class PermissionDenied extends Fatal {
        public PermissionDenied(String message) {
            super(message, 403, "permission_error", null, null, null);
        }
    }

    /** 404: unknown model, route or resource. */
    public static final class NotFound extends Fatal {
        public NotFound(String message, String param, String code) {
            super(message, 404, "invalid_request_error", code, param, null);
        }

        public static NotFound model(String model) {
            return new NotFound("The model '" + model + "' does not exist or you do not have access to it.", "model",
                    "model_not_found");
        }
    }

    /** 405: a known endpoint called with a method it does not take (the response names the right ones in {@code Allow}). */
    public static final class MethodNotAllowed extends Fatal {
        public MethodNotAllowed(String message) {
            super(message, 405, "invalid_request_error", "method_not_allowed", null, null);
        }
    }

    /** 400: prompt plus requested output do not fit the model's context window. */
    public static final class ContextWindowExceeded extends Fatal {
        public ContextWindowExceeded(String message) {
            super(message, 400, "invalid_request_error", "context_length_exceeded", "messages", null);
        }
    }

    /** 400: the provider's content policy refused the request. */
    public static final class ContentFiltered extends Fatal {
        public ContentFiltered(String message) {
            super(message, 400, "invalid_request_error", "content_filter", null, null);
        }
    }

    /** 413: the body is over the configured limit. */
    public static final class PayloadTooLarge extends Fatal {
        public PayloadTooLarge(String message) {
            super(message, 413, "invalid_request_error", "request_too_large", null, null);
        }
    }

    /** 400: the chosen provider cannot do what was asked (e.g. embeddings on a chat-only provider). */
    public static final class Unsupported extends Fatal {
        public Unsupported(String message, String param) {
            super(message, 400, "invalid_request_error", "unsupported", param, null);
        }
    }

    /** 500: a bug in the gateway. Never used for a client mistake or an upstream failure. */
    public static final class Internal extends Fatal {
        public Internal(String message, Throwable cause) {
            super(message, 500, "server_error", "internal_error", null, cause);
        }
    }

    /**
     * 499 (nginx's "client closed request"): the caller stopped reading a stream before its end. Never sent (there
     * is no one to send it to); it is what the ledger and the access log record for such a stream.
     */
    public static final class ClientClosed extends Fatal {
        public ClientClosed() {
            super("The client closed the stream before its end.", 499, "client_closed", "client_closed", null, null);
        }
    }
}
