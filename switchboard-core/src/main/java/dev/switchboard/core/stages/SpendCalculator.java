package dev.switchboard.core.stages;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.CostCalculator;
import dev.switchboard.core.routing.ModelRegistry;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a request cost in US dollars, from actual usage and the deployment's prices (configured, else the
 * price catalogue), and what the same tokens would have cost on the top-tier model — the baseline for
 * the savings the gateway reports.
 */
public final class SpendCalculator {
    private final CostCalculator costs;
    private final Map<String, Deployment> byId;
    private final Optional<Deployment> topTier;
    private final String catalogueVersion;

    public SpendCalculator(List<Deployment> deployments, ModelRegistry registry) {
        this.costs = new CostCalculator(registry);
        this.byId = deployments.stream().collect(Collectors.toUnmodifiableMap(Deployment::id, Function.identity()));
        this.topTier = deployments.stream().filter(d -> !d.info().isEmbedding())
                .max(Comparator.comparingInt((Deployment d) -> d.info().tier().orElse(0))
                        .thenComparingDouble(d -> costs.cost(d, Usage.of(1_000_000, 1_000_000)).usd()));
        this.catalogueVersion = registry.catalogue().version();
    }

    public double cost(String deploymentId, Usage usage) {
        Deployment d = byId.get(deploymentId);
        return d == null ? 0 : costs.cost(d, usage).usd();
    }

    /** The same usage priced at the top-tier model's prices. */
    public double topTierCost(Usage usage) {
        return topTier.map(d -> costs.cost(d, usage).usd()).orElse(0.0);
    }

    public Optional<Deployment> deployment(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public String catalogueVersion() {
        return catalogueVersion;
    }
}
