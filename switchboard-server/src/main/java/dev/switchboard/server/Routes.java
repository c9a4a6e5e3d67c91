package dev.switchboard.server;

import dev.switchboard.core.GatewayException;
import io.helidon.http.Method;
import java.io.FilterOutputStream;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the endpoints register their routes, so the server knows each path's methods: a request no route takes
 * gets the client's error object (404 for an unknown URL, 405 with {@code Allow} for a known path and the wrong
 * method), never the web server's plain-text page. Patterns are exact paths or a prefix ending in {@code /*}.
 */
final class Routes {
    private static final int MAX_PATH_IN_MESSAGE = 200;

    private final HttpRouting.Builder routing;
    private final Map<String, Set<String>> methodsByPattern = new LinkedHashMap<>();

    Routes(HttpRouting.Builder routing) {
        this.routing = routing;
    }

    /** GET, and HEAD with the same headers and no body, as HTTP asks of every GET resource (RFC 9110 §9.3.2). */
    Routes get(String pattern, Handler handler) {
        return add(Method.HEAD, pattern, headOnly(handler)).add(Method.GET, pattern, handler);
    }

    /** The GET handler with its body dropped on the way out: the GET's status and headers, no body (Content-Length 0). */
    private static Handler headOnly(Handler get) {
        return (req, res) -> {
            res.streamFilter(out -> new FilterOutputStream(out) {
                @Override
                public void write(int b) {}

                @Override
                public void write(byte[] b, int off, int len) {}
            });
            get.handle(req, res);
        };
    }

    Routes post(String pattern, Handler handler) {
        return add(Method.POST, pattern, handler);
    }

    Routes delete(String pattern, Handler handler) {
        return add(Method.DELETE, pattern, handler);
    }

    private Routes add(Method method, String pattern, Handler handler) {
        routing.route(method, pattern, withRequestId(handler));
        methodsByPattern.computeIfAbsent(pattern, p -> new TreeSet<>()).add(method.text());
        return this;
    }

    /** CORS preflight on every path; not indexed, so it never turns an unknown URL's 404 into a 405. */
    void preflight(Handler handler) {
        routing.options("/*", withRequestId(handler));
    }

    /** Registered after every endpoint: answers what none of them took, in the caller's API dialect. */
    void registerFallback(Gate gate) {
        Handler openAi = gate.open(this::unmatched, HttpIo::sendOpenAiError);
        Handler anthropic = gate.open(this::unmatched, AnthropicEndpoints::sendError);
        routing.any(withRequestId((req, res) -> (AnthropicEndpoints.speaksAnthropic(req) ? anthropic : openAi).handle(req, res)));
    }

    /**
     * Every response carries {@code x-request-id}, health checks and UI files too: the client's (when sane) or a new
     * one, set once even when a handler passes the request on to the next route.
     */
    private static Handler withRequestId(Handler handler) {
        return (req, res) -> {
            if (!res.headers().contains(HttpIo.REQUEST_ID)) res.header(HttpIo.REQUEST_ID, HttpIo.requestId(req));
            handler.handle(req, res);
        };
    }

    private void unmatched(ServerRequest req, ServerResponse res, String requestId) {
        String path = req.path().path();
        Set<String> allowed = allowedMethods(path);
        String shown = req.prologue().method().text() + " "
                + (path.length() > MAX_PATH_IN_MESSAGE ? path.substring(0, MAX_PATH_IN_MESSAGE) + "…" : path);
        if (allowed.isEmpty()) {
            throw new GatewayException.NotFound("Invalid URL (" + shown + "): no such endpoint.", null, "unknown_url");
        }
        String allow = String.join(", ", allowed) + ", OPTIONS";
        res.header("allow", allow);
        if (req.prologue().method() == Method.OPTIONS) {
            // What the path takes (RFC 9110 §9.3.7): load balancers' default health checks (HAProxy's OPTIONS /) pass.
            res.status(204).send();
            return;
        }
        throw new GatewayException.MethodNotAllowed("Invalid method (" + shown + "): this endpoint takes " + allow + ".");
    }

    private Set<String> allowedMethods(String path) {
        Set<String> allowed = new TreeSet<>();
        methodsByPattern.forEach((pattern, methods) -> {
            boolean matches = pattern.endsWith("/*")
                    ? path.startsWith(pattern.substring(0, pattern.length() - 1))
                    : path.equals(pattern);
            if (matches) allowed.addAll(methods);
        });
        return allowed;
    }
}
