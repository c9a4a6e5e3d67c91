package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.wire.Json;
import io.helidon.webserver.http.HttpRouting;

/** Liveness and readiness, without auth so orchestrators can probe them. */
final class HealthEndpoints {
    private final Switchboard engine;
    private final Gate gate;

    HealthEndpoints(Switchboard engine, Gate gate) {
        this.engine = engine;
        this.gate = gate;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/health", (req, res) -> HttpIo.sendJson(res, 200, Json.object().put("status", "ok")));
        routing.get("/health/liveness", (req, res) -> HttpIo.sendJson(res, 200, Json.object().put("status", "ok")));
        routing.get("/health/ready", (req, res) -> {
            boolean ready = !gate.draining();
            ObjectNode body = Json.object().put("status", ready ? "ready" : "draining")
                    .put("model_groups", engine.modelGroups().size())
                    .put("deployments", engine.config().deployments().size())
                    .put("in_flight", gate.inFlight());
            HttpIo.sendJson(res, ready ? 200 : 503, body);
        });
    }
}
