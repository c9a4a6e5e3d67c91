package dev.switchboard.core.pipeline;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.routing.RoutingDecision;
import java.util.List;
import java.util.Optional;

/**
 * Where a request may go, best first, and why. The fallback stage walks the candidates.
 *
 * @param router which router decided ("model-group", "utility", ...)
 * @param rationale one human-readable line
 * @param decision the full scoring table, for routers that score candidates (the utility router)
 */
public record RoutePlan(List<Deployment> candidates, String router, String rationale,
        Optional<RoutingDecision> decision) {
    public RoutePlan {
        candidates = List.copyOf(candidates);
    }

    public RoutePlan(List<Deployment> candidates, String router, String rationale) {
        this(candidates, router, rationale, Optional.empty());
    }
}
