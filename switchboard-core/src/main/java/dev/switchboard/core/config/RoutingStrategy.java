package dev.switchboard.core.config;

import java.util.Arrays;
import java.util.Optional;

/** How traffic spreads over the deployments of one model group ({@code router_settings.routing_strategy}). */
public enum RoutingStrategy {
    /** Weighted random order (LiteLLM's default). */
    SIMPLE_SHUFFLE("simple-shuffle"),
    /** Fewest requests in flight first. */
    LEAST_BUSY("least-busy"),
    /** Lowest latency (EWMA) first, with ε-greedy exploration. */
    LATENCY_BASED("latency-based-routing"),
    /** Most RPM/TPM headroom first, using the request's token estimate. */
    USAGE_BASED("usage-based-routing"),
    /** Cheapest price first. */
    COST_BASED("cost-based-routing");

    private final String key;

    RoutingStrategy(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Parses LiteLLM's names; {@code usage-based-routing-v2} is accepted as usage-based. */
    public static Optional<RoutingStrategy> parse(String s) {
        if (s.equals("usage-based-routing-v2")) return Optional.of(USAGE_BASED);
        return Arrays.stream(values()).filter(v -> v.key.equals(s)).findFirst();
    }
}
