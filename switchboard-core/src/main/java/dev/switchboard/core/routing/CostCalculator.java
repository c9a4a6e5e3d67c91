package dev.switchboard.core.routing;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.model.Usage;
import java.util.Optional;

/**
 * What a call cost in US dollars, from the usage the provider reported and the deployment's effective
 * prices. Cached prompt tokens are billed at the cached-input price and cache writes at the cache-write
 * price (each falling back to the input price when the model has none); reasoning tokens are part of
 * {@link Usage#completionTokens()} and so billed as output.
 */
public final class CostCalculator {
    /**
     * @param priceSource where the prices came from ("config", "catalogue", "none")
     * @param catalogueVersion the catalogue version when it priced the call
     */
    public record Cost(double usd, Prices prices, String priceSource, Optional<String> catalogueVersion) {}

    private final ModelRegistry registry;

    public CostCalculator(ModelRegistry registry) {
        this.registry = registry;
    }

    public Cost cost(Deployment deployment, Usage usage) {
        ModelProfile p = registry.find(deployment.id()).orElseGet(() -> ModelRegistry.profile(deployment,
                registry.catalogue()));
        Optional<String> version = p.priceSource().equals("catalogue")
                ? Optional.of(registry.catalogue().version()) : Optional.empty();
        return new Cost(usd(p.prices(), usage), p.prices(), p.priceSource(), version);
    }

    public static double usd(Prices prices, Usage usage) {
        int cached = Math.max(0, usage.cachedPromptTokens());
        int written = Math.max(0, usage.cacheWriteTokens());
        int fresh = Math.max(0, usage.promptTokens() - cached - written);
        double cachedPrice = prices.cachedInputPerMillion() > 0 ? prices.cachedInputPerMillion() : prices.inputPerMillion();
        double writePrice = prices.cacheWritePerMillion() > 0 ? prices.cacheWritePerMillion() : prices.inputPerMillion();
        double micro = fresh * prices.inputPerMillion()
                + cached * cachedPrice
                + written * writePrice
                + Math.max(0, usage.completionTokens()) * prices.outputPerMillion();
        return micro / 1_000_000.0;
    }

    /** Expected cost of a call before it is made. */
    public static double expectedUsd(Prices prices, int promptTokens, int outputTokens) {
        return (promptTokens * prices.inputPerMillion() + outputTokens * prices.outputPerMillion()) / 1_000_000.0;
    }
}
