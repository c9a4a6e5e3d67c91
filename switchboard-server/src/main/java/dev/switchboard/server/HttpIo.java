package dev.switchboard.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.spi.BufferedBytes;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.GatewayRequest;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RequestHeaders;
import dev.switchboard.core.reliability.RequestOptions;
import dev.switchboard.core.stages.DecomposeStage;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/** Reading requests and writing responses the same way on every endpoint. */
final class HttpIo {
    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    static final HeaderName API_KEY = HeaderNames.create("x-api-key");
    static final HeaderName DECOMPOSE = HeaderNames.create("x-switchboard-decompose");
    static final HeaderName TIMEOUT = HeaderNames.create(RequestOptions.TIMEOUT_HEADER);
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private HttpIo() {}

    /** The client's request id when it is a sane token, else a new one. */
    static String requestId(ServerRequest req) {
        return req.headers().first(REQUEST_ID).filter(id -> SAFE_REQUEST_ID.matcher(id).matches())
                .orElseGet(Switchboard::newRequestId);
    }

    /** {@code Authorization: Bearer <key>} or {@code x-api-key: <key>}. */
    static Credentials credentials(ServerRequest req) {
        Optional<String> bearer = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7)).map(v -> v.substring(7).trim());
        return new Credentials.ApiKey(bearer.or(() -> req.headers().first(API_KEY)).filter(k -> !k.isEmpty()));
    }

    /**
     * {@code GET .../models/{id}}: the model group or the name a router serves, as the endpoint's dialect renders
     * each; 404 when it is neither.
     */
    static ObjectNode modelNamedInPath(Switchboard engine, ServerRequest req,
            BiFunction<String, List<Deployment>, ObjectNode> groupItem, BiFunction<String, String, ObjectNode> routedItem) {
        String path = req.path().path();
        String id = path.substring(path.indexOf("/models/") + "/models/".length());
        List<Deployment> group = engine.modelGroups().get(id);
        if (group != null) return groupItem.apply(id, group);
        String router = engine.routedModels().get(id);
        if (router != null) return routedItem.apply(id, router);
        throw GatewayException.NotFound.model(id);
    }

    /** The head of a server-sent-events response. */
    static void startSse(ServerResponse res) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("x-accel-buffering", "no");
    }

    /**
     * The response body as a stream whose writes report a client that went away as an {@link IOException}, as
     * {@code OutputStream} promises. Helidon signals it with an unchecked {@link CloseConnectionException}, which
     * the streaming endpoints' "client went away" handling would otherwise miss and log as a gateway failure.
     */
    static OutputStream responseStream(ServerResponse res) {
        OutputStream out = res.outputStream();
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (CloseConnectionException | UncheckedIOException e) {
                    throw gone(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (CloseConnectionException | UncheckedIOException e) {
                    throw gone(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (CloseConnectionException | UncheckedIOException e) {
                    throw gone(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (CloseConnectionException | UncheckedIOException e) {
                    throw gone(e);
                }
            }
        };
    }

    private static IOException gone(RuntimeException e) {
        return e.getCause() instanceof IOException io ? io : new IOException("the client closed the connection", e);
    }

    /**
     * Reads the body, refusing anything over {@code limit} bytes with a 413 before reading it all. A read that makes
     * no progress for {@code body-timeout} ends the connection ({@link BodyReadWatch}).
     */
    static byte[] body(ServerRequest req, long limit) {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) throw tooLarge(limit);
        // Room for the body before it is read; a chunked one (no length to go by) takes its room once read.
        if (declared.isPresent()) BufferedBytes.hold(declared.getAsLong());
        InputStream in = req.content().inputStream();
        byte[] bytes;
        try (BodyReadWatch.Read watch = Gate.watchBodyRead()) {
            try {
                // Exactly the declared length (one array when it came whole); a chunked body up to one byte past the limit.
                bytes = read(in, declared.isPresent() ? declared.getAsLong() : limit + 1, declared.isPresent(), watch);
            } catch (IOException | RuntimeException e) {
                if (watch.expired()) {
                    throw new CloseConnectionException("the request body stalled: no bytes for " + watch.timeoutMillis()
                            + " ms (switchboard.server.body-timeout)", e);
                }
                if (e instanceof IOException io) throw new UncheckedIOException(io);
                if (e instanceof CloseConnectionException || e instanceof UncheckedIOException) {
                    throw (RuntimeException) e; // the client went away mid-body: Gate lets Helidon close the connection
                }
                // Helidon's chunked decoding fails on a malformed chunk (a size that is not hex) with a plain runtime
                // exception: the client's framing, a 400, not a gateway failure. The stream is left unclosed: closing it
                // drains the rest of the body, which broken framing makes wait until the client hangs up.
                Gate.closeConnectionAfterAnswer();
                throw new GatewayException.BadRequest("The request body could not be read: its chunked transfer encoding is malformed ("
                        + e.getMessage() + ").", null);
            }
        }
        try (in) {
            if (bytes.length > limit) throw tooLarge(limit);
            if (declared.isEmpty()) BufferedBytes.hold(bytes.length);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Up to {@code wanted} bytes (fewer if the body ends first), telling {@code watch} of each read's progress. */
    private static byte[] read(InputStream in, long wanted, boolean exact, BodyReadWatch.Read watch) throws IOException {
        int max = (int) Math.min(Integer.MAX_VALUE - 8, wanted);
        // A declared length up to 64 KB is one array; a larger one grows as bytes come (a client may declare and not send).
        byte[] buffer = new byte[Math.min(max, exact ? 65_536 : 8192)];
        int n = 0;
        while (n < max) {
            if (n == buffer.length) buffer = Arrays.copyOf(buffer, (int) Math.min(max, buffer.length * 2L));
            int read = in.read(buffer, n, buffer.length - n);
            if (read < 0) break;
            n += read;
            watch.progress();
        }
        return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
    }

    static JsonNode jsonBody(ServerRequest req, long limit) {
        return Json.parseBody(body(req, limit));
    }

    private static GatewayException tooLarge(long limit) {
        return new GatewayException.PayloadTooLarge("Request body is larger than the limit of " + limit
                + " bytes (switchboard.server.max-body-bytes).");
    }

    static void sendJson(ServerResponse res, int status, JsonNode body) {
        sendJson(res, status, Json.bytes(body));
    }

    /** JSON already written, by a codec that writes straight from the records. */
    static void sendJson(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    /** JSON written by {@code writing} straight to the response (chunked), never held whole in memory. */
    static void sendJson(ServerResponse res, int status, Json.Writing writing) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try (OutputStream out = responseStream(res); JsonGenerator g = Json.generator(out)) {
            writing.write(g);
        } catch (IOException e) {
            // the client went away while the answer was written
        }
    }

    static void sendOpenAiError(ServerResponse res, GatewayException e) {
        e.retryAfterSeconds().ifPresent(s -> res.header(HeaderNames.RETRY_AFTER, Long.toString(s)));
        sendJson(res, e.status(), OpenAiCodec.writeError(e));
    }

    /** {@code x-switchboard-decompose: off} routes a compound prompt as one task (on is the default). */
    private static void decomposeOption(ServerRequest req, Exchange exchange) {
        req.headers().first(DECOMPOSE).ifPresent(v -> {
            String value = v.trim().toLowerCase(java.util.Locale.ROOT);
            if (!value.equals("on") && !value.equals("off") && !value.equals("true") && !value.equals("false")) {
                throw new GatewayException.BadRequest("Header x-switchboard-decompose must be 'on' or 'off'.", null);
            }
            exchange.context().set(DecomposeStage.DECOMPOSE, value.equals("on") || value.equals("true"));
        });
    }

    /** The answer's usage, or counted with the gateway's tokenizer when the upstream gave none. */
    static Usage usage(Switchboard engine, ChatRequest chat, ChatResponse answer) {
        return answer.usage().orElseGet(() -> Usage.of(engine.tokens().countPrompt(chat), engine.tokens().count(answer.text())));
    }

    /**
     * A new exchange for this HTTP request with every per-request option applied: the client's headers (for
     * rule routers), {@code x-switchboard-decompose} and {@code x-switchboard-timeout}.
     */
    static Exchange exchange(Switchboard engine, GatewayRequest request, ServerRequest req, String requestId) {
        Exchange exchange = timeoutOption(req, engine.newExchange(request, credentials(req), requestId));
        exchange.context().set(RequestHeaders.KEY, new RequestHeaders(name -> routableHeader(req, name)));
        decomposeOption(req, exchange);
        return exchange;
    }

    /** A request header as routers see it: all its values, comma-joined; credentials are never shown to them. */
    private static Optional<String> routableHeader(ServerRequest req, String name) {
        HeaderName header = HeaderNames.create(name);
        if (header.lowerCase().equals(HeaderNames.AUTHORIZATION.lowerCase()) || header.lowerCase().equals(API_KEY.lowerCase())
                || !req.headers().contains(header)) {
            return Optional.empty();
        }
        return Optional.of(req.headers().get(header).values());
    }

    /** {@code x-switchboard-timeout: 5s} (or seconds) shortens the request's deadline; it never extends it. */
    private static Exchange timeoutOption(ServerRequest req, Exchange exchange) {
        return req.headers().first(TIMEOUT)
                .map(v -> RequestOptions.shorten(exchange, RequestOptions.parseTimeout(v, RequestOptions.TIMEOUT_HEADER)))
                .orElse(exchange);
    }

    static void headers(ServerResponse res, Map<String, String> headers) {
        headers.forEach(res::header);
    }

    /** The request's {@code limit} query parameter, from 1 to {@code max}; {@code otherwise} when absent, 400 naming it when bad. */
    static int limit(ServerRequest req, int otherwise, int max) {
        var query = req.query();
        if (!query.contains("limit")) return otherwise;
        String raw = query.get("limit");
        int limit = raw.matches("\\d{1,9}") ? Integer.parseInt(raw) : 0;
        if (limit < 1 || limit > max) {
            throw new GatewayException.BadRequest("Invalid 'limit': '" + raw + "'. Expected an integer from 1 to " + max + ".", "limit");
        }
        return limit;
    }
}
