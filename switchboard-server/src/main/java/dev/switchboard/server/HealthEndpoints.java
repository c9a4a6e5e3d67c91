package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.reliability.DeploymentHealth;
import dev.switchboard.core.wire.Json;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;

/**
 * Liveness and readiness, without auth so orchestrators can probe them; and each deployment's circuit
 * state at {@code /health/deployments}, behind the master key because it shows upstream error messages.
 */
final class HealthEndpoints {
    private final Switchboard engine;
    private final Gate gate;

    HealthEndpoints(Switchboard engine, Gate gate) {
        this.engine = engine;
        this.gate = gate;
    }

    void register(Routes routes) {
        routes.get("/health", (req, res) -> HttpIo.sendJson(res, 200, Json.object().put("status", "ok")));
        routes.get("/health/liveness", (req, res) -> HttpIo.sendJson(res, 200, Json.object().put("status", "ok")));
        routes.get("/health/ready", (req, res) -> {
            boolean ready = !gate.draining();
            ObjectNode body = Json.object().put("status", ready ? "ready" : "draining")
                    .put("model_groups", engine.modelGroups().size())
                    .put("deployments", engine.config().deployments().size())
                    .put("in_flight", gate.inFlight());
            HttpIo.sendJson(res, ready ? 200 : 503, body);
        });
        routes.get("/health/deployments", gate.guard(this::deployments));
    }

    private void deployments(ServerRequest req, ServerResponse res, String requestId) {
        ObjectNode body = Json.object();
        var list = body.putArray("deployments");
        int healthy = 0;
        for (DeploymentHealth.Status s : engine.deploymentHealth().snapshot()) {
            list.add(statusJson(s).put("id", s.deploymentId()));
            if (s.available()) healthy++;
        }
        body.put("healthy", healthy).put("unhealthy", list.size() - healthy);
        HttpIo.sendJson(res, 200, body);
    }

    /** One deployment's health as JSON, shared by {@code /health/deployments} and the model metadata. */
    static ObjectNode statusJson(DeploymentHealth.Status s) {
        ObjectNode o = Json.object()
                .put("state", s.state().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .put("available", s.available())
                .put("recent_failures", s.recentFailures())
                .put("in_flight", s.inFlight())
                .put("successes", s.successes())
                .put("failures", s.failures());
        s.coolDownUntil().ifPresent(t -> o.put("cool_down_until", t.toString()));
        s.lastError().ifPresent(e -> o.put("last_error", e));
        if (s.latencyMillis().isPresent()) o.put("latency_ms", Math.round(s.latencyMillis().getAsDouble() * 10) / 10.0);
        return o;
    }
}
