package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Decimals;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Exchange;
import java.util.List;
import java.util.Optional;

/**
 * Records how the parts of one routed request ended: each part's report (who answered, latency, cost), the ledger's
 * rows (one per part, read when the request or its stream ends) and the answer's cost summary.
 */
final class PartRecorder {
    private final Exchange parent;
    private final SpendCalculator spend;
    private final Ticker ticker;

    PartRecorder(Exchange parent, SpendCalculator spend, Ticker ticker) {
        this.parent = parent;
        this.spend = spend;
        this.ticker = ticker;
    }

    /** A part's outcome, its cost and latency written into its report. */
    PartOutcome outcome(DecomposeStage.PartRun run, Exchange child, String content, Optional<Usage> usage,
            Optional<FinishReason> finish, GatewayException error, long start) {
        Optional<String> deployment = answeredBy(run, child);
        // A part failing once the gateway cut the request, or the part once its reader left, failed because of the cut
        // (its call was interrupted).
        Optional<GatewayException> failure = Optional.ofNullable(error)
                .map(e -> parent.context().cutReason().or(() -> child.context().cutReason()).orElse(e));
        PartOutcome o = new PartOutcome(run, child, content, usage, finish, failure, ticker.nanoTime() - start, deployment);
        double cost = deployment.map(d -> spend.cost(d, usage.orElse(Usage.ZERO))).orElse(0.0);
        synchronized (run.report()) {
            RouteReport.result(run.report(), o.latencyNanos(), usage, cost, spend.topTierCost(usage.orElse(Usage.ZERO)),
                    o.error());
        }
        return o;
    }

    /** The deployment that answered a part (or was tried last), noted in its report; a fallback may differ from the plan. */
    Optional<String> answeredBy(DecomposeStage.PartRun run, Exchange child) {
        Optional<String> deployment = SpendObserver.deploymentOf(child);
        deployment.flatMap(spend::deployment).ifPresent(d -> {
            synchronized (run.report()) {
                run.report().put("answered_by", d.id()).put("answered_model", d.modelName())
                        .put("answered_simulated", d.simulated())
                        .put("fallbacks", Math.max(0, child.context().attempts().size() - 1));
            }
        });
        return deployment;
    }

    /** The ledger's rows and the answer's cost summary, written into {@code target}. */
    void record(List<PartOutcome> outcomes, ObjectNode target, boolean withParts) {
        rows(outcomes);
        summarise(target, outcomes, withParts);
    }

    /** The ledger's rows alone: one per part, read when the request or its stream ends. */
    void rows(List<PartOutcome> outcomes) {
        parent.context().set(DecomposeStage.PART_OUTCOMES, List.copyOf(outcomes));
    }

    private void summarise(ObjectNode target, List<PartOutcome> outcomes, boolean withParts) {
        double cost = 0;
        double top = 0;
        for (PartOutcome o : outcomes) {
            cost += o.run().report().path("cost_usd").asDouble(0);
            top += o.run().report().path("top_tier_cost_usd").asDouble(0);
        }
        target.put("total_latency_ms", Math.round((ticker.nanoTime() - parent.startNanos()) / 1e6));
        target.put("cost_usd", Decimals.roundedUsd(cost));
        target.put("top_tier_cost_usd", Decimals.roundedUsd(top));
        target.put("savings_usd", Decimals.roundedUsd(Math.max(0, top - cost)));
        target.put("catalogue_version", spend.catalogueVersion());
        if (!withParts) {
            ArrayNode statuses = target.putArray("part_status");
            outcomes.forEach(o -> statuses.add(o.succeeded() ? "ok" : "error"));
        }
        parent.context().header("x-switchboard-cost", Decimals.usd(cost));
    }
}
