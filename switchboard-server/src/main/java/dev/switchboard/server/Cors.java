package dev.switchboard.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * Cross-origin access for browser apps on other origins ({@code switchboard.server.cors-origins}). With
 * no origins configured nothing is added: the built-in UI is same-origin.
 */
final class Cors {
    private static final String ALLOW_HEADERS = "authorization, content-type, x-api-key, x-request-id, anthropic-version, "
            + "anthropic-beta, x-switchboard-decompose, x-switchboard-timeout";
    private static final String EXPOSE_HEADERS = "x-request-id, x-switchboard-deployment, x-switchboard-provider, "
            + "x-switchboard-fallbacks, x-switchboard-fallback-model, x-switchboard-cost, x-switchboard-route, "
            + "x-switchboard-cascade, x-switchboard-simulated, retry-after";

    private final List<String> origins;

    Cors(List<String> origins) {
        this.origins = List.copyOf(origins);
    }

    private Optional<String> allowed(ServerRequest req) {
        if (origins.isEmpty()) return Optional.empty();
        return req.headers().first(HeaderNames.ORIGIN).filter(o -> origins.contains("*") || origins.contains(o));
    }

    /** Adds the response headers for an allowed origin. */
    void decorate(ServerRequest req, ServerResponse res) {
        allowed(req).ifPresent(origin -> {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origins.contains("*") ? "*" : origin);
            res.header(HeaderNames.VARY, "Origin");
            res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
        });
    }

    /** Answers preflight requests for the API. */
    void register(Routes routes) {
        if (origins.isEmpty()) return;
        routes.preflight((req, res) -> {
            decorate(req, res);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            res.status(204).send();
        });
    }
}
