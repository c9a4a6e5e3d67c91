package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.CandidateScore;
import dev.switchboard.core.routing.RoutingDecision;
import dev.switchboard.core.routing.SubTask;
import dev.switchboard.core.wire.Json;
import java.util.Locale;
import java.util.Optional;

/**
 * The routing table as JSON (snake_case), the one shape used by the dry run ({@code POST /v1/route}),
 * the {@code switchboard} field of routed responses, their stream events and the UI.
 */
public final class RouteReport {
    private RouteReport() {}

    /** One part's plan: what it is, where it goes and why, every candidate considered. */
    public static ObjectNode partPlan(SubTask part, Optional<RoutingDecision> decision, Optional<Deployment> chosen) {
        ObjectNode o = Json.object();
        o.put("index", part.order());
        o.put("text", part.text());
        if (part.dependsOn().isPresent()) o.put("depends_on", part.dependsOn().get());
        else o.putNull("depends_on");
        o.put("explanation", part.explanation());
        decision.ifPresent(d -> {
            o.put("task_type", d.task().type());
            o.put("complexity", round(d.task().complexity()));
            o.put("tier", d.task().tier().name());
            o.put("token_estimate", d.task().tokens());
            o.put("threshold", round(d.threshold()));
            o.put("quality_weight", d.qualityWeight());
            o.put("cost_weight", d.costWeight());
            o.put("cost_basis", d.costBasis());
            o.put("rationale", d.rationale());
            o.put("catalogue_version", d.catalogueVersion());
            ArrayNode signals = o.putArray("signals");
            d.task().signals().forEach(signals::add);
            d.chosenCandidate().ifPresent(c -> {
                o.put("quality", round(c.quality()));
                o.put("cost", round(c.cost()));
                o.put("expected_cost_usd", c.expectedCostUsd());
                o.put("utility", round(c.utility()));
                o.put("reason", c.reason());
            });
            ArrayNode candidates = o.putArray("candidates");
            for (CandidateScore c : d.candidates()) candidates.add(candidate(c));
        });
        chosen.ifPresent(dep -> {
            o.put("model", dep.modelName());
            o.put("deployment", dep.id());
            o.put("provider", dep.provider());
            o.put("upstream_model", dep.upstreamModel());
            o.put("simulated", dep.simulated());
            dep.info().tier().ifPresent(t -> o.put("model_tier", t));
            dep.info().label().ifPresent(l -> o.put("label", l));
        });
        return o;
    }

    private static ObjectNode candidate(CandidateScore c) {
        ObjectNode o = Json.object();
        o.put("model", c.model());
        o.put("deployment", c.deployment());
        o.put("provider", c.provider());
        c.tier().ifPresent(t -> o.put("tier", t));
        o.put("quality", round(c.quality()));
        o.put("cost", round(c.cost()));
        o.put("expected_cost_usd", c.expectedCostUsd());
        o.put("utility", round(c.utility()));
        o.put("threshold", round(c.threshold()));
        o.put("status", c.status().name().toLowerCase(Locale.ROOT));
        o.put("chosen", c.status() == CandidateScore.Status.CHOSEN);
        o.put("reason", c.reason());
        return o;
    }

    /** Adds a part's execution result to its plan. */
    public static void result(ObjectNode plan, long latencyNanos, Optional<Usage> usage, double costUsd, double topTierCostUsd,
            Optional<GatewayException> error) {
        plan.put("latency_ms", Math.round(latencyNanos / 1e6));
        usage.ifPresent(u -> plan.set("usage", Json.object().put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.completionTokens())));
        plan.put("cost_usd", costUsd);
        plan.put("top_tier_cost_usd", topTierCostUsd);
        plan.put("status", error.isEmpty() ? "ok" : "error");
        error.ifPresent(e -> plan.set("error", Json.object().put("message", e.getMessage()).put("type", e.type())
                .put("status", e.status())));
    }

    public static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
