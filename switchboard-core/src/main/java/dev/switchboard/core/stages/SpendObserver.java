package dev.switchboard.core.stages;

import dev.switchboard.core.Decimals;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.cascade.CascadeCall;
import dev.switchboard.core.cascade.CascadeStage;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Attempt;
import dev.switchboard.core.pipeline.Attributes;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.routing.RoutingDecision;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Prices every finished request from its actual usage, puts the cost in the {@code x-switchboard-cost}
 * header (when the answer was not streamed, so headers are still open), and appends one ledger record
 * per request — or one per part of a decomposed request, or one per model call of a cascade (the cascade
 * stage sets the cost header itself).
 */
public final class SpendObserver implements Consumer<RequestOutcome> {
    private final SpendCalculator spend;
    private final Optional<Ledger> ledger;
    private final Ticker ticker;

    public SpendObserver(SpendCalculator spend, Optional<Ledger> ledger, Ticker ticker) {
        this.spend = spend;
        this.ledger = ledger;
        this.ticker = ticker;
    }

    @Override
    public void accept(RequestOutcome outcome) {
        Exchange exchange = outcome.exchange();
        Optional<List<PartOutcome>> parts = exchange.context().get(DecomposeStage.PART_OUTCOMES);
        if (parts.isPresent()) {
            for (PartOutcome part : parts.get()) {
                Usage usage = part.usage().orElse(Usage.ZERO);
                record(part.child(), exchange.requestId(), part.run().task().order(), usage, spend.topTierCost(usage),
                        part.latencyNanos(), part.error(), part.deploymentId(), Optional.empty());
            }
            return;
        }
        Optional<List<CascadeCall>> cascade = exchange.context().get(CascadeStage.CALLS);
        if (cascade.isPresent()) {
            List<CascadeCall> calls = cascade.get();
            for (int i = 0; i < calls.size(); i++) {
                CascadeCall c = calls.get(i);
                record(c.child(), exchange.requestId(), i, c.usage().orElse(Usage.ZERO), c.topTierCostUsd(), c.latencyNanos(),
                        c.error(), c.deploymentId(), Optional.of(c.status()));
            }
            return;
        }
        Usage usage = outcome.usage().orElse(Usage.ZERO);
        Optional<String> deployment = deploymentOf(exchange);
        double cost = deployment.map(d -> spend.cost(d, usage)).orElse(0.0);
        if (!outcome.stream()) exchange.context().header("x-switchboard-cost", Decimals.usd(cost));
        record(exchange, null, 0, usage, spend.topTierCost(usage), outcome.latencyNanos(),
                outcome.error().filter(GatewayException.class::isInstance).map(GatewayException.class::cast), deployment,
                Optional.empty());
    }

    private void record(Exchange exchange, String parentId, int index, Usage usage, double topTierCostUsd, long latencyNanos,
            Optional<GatewayException> error, Optional<String> deploymentId, Optional<String> status) {
        if (ledger.isEmpty()) return;
        Optional<Deployment> deployment = deploymentId.flatMap(spend::deployment);
        Optional<RoutePlan> plan = exchange.context().get(Attributes.ROUTE_PLAN);
        Optional<RoutingDecision> decision = plan.flatMap(RoutePlan::decision);
        List<Attempt> attempts = exchange.context().attempts();
        LedgerRecord.Builder b = LedgerRecord.builder(exchange.requestId())
                .time(Instant.ofEpochMilli(ticker.epochMillis()))
                .caller(exchange.principal().id())
                .modelGroup(deployment.map(Deployment::modelName).orElse(exchange.request().model()))
                .latencyMs(latencyNanos / 1_000_000)
                .usage(usage)
                .cost(deploymentId.map(d -> spend.cost(d, usage)).orElse(0.0), topTierCostUsd, spend.catalogueVersion())
                .status(status.orElseGet(() -> error.map(e -> e.code().orElse(e.type())).orElse(LedgerRecord.OK)))
                .attempts(attempts.size())
                .fallbacksUsed(fallbacksUsed(attempts))
                .router(plan.map(RoutePlan::router).orElse("none"));
        if (parentId != null) b.parent(parentId, index);
        deployment.ifPresent(d -> {
            b.deployment(d.id(), d.provider(), d.upstreamModel());
            d.info().tier().ifPresent(b::tier);
        });
        decision.ifPresent(d -> b.taskType(d.task().type()).complexity(d.task().complexity()));
        ledger.get().record(b.build());
    }

    /** Deployments tried after the first; one attempt (most calls) needs no counting. */
    private static int fallbacksUsed(List<Attempt> attempts) {
        if (attempts.size() < 2) return 0;
        return (int) attempts.stream().map(Attempt::deploymentId).distinct().count() - 1;
    }

    /** The deployment that answered, or the last one tried. */
    static Optional<String> deploymentOf(Exchange exchange) {
        return Optional.ofNullable(exchange.context().responseHeaders().get("x-switchboard-deployment"))
                .or(() -> exchange.context().attempts().stream().reduce((a, b) -> b).map(Attempt::deploymentId));
    }
}
