package dev.switchboard.core.pipeline;

import dev.switchboard.core.config.Deployment;
import java.util.List;

/**
 * Where a request may go, best first, and why. The fallback stage walks the candidates.
 *
 * @param router which router decided ("model-group", "utility", ...)
 * @param rationale one human-readable line
 */
public record RoutePlan(List<Deployment> candidates, String router, String rationale) {
    public RoutePlan {
        candidates = List.copyOf(candidates);
    }
}
