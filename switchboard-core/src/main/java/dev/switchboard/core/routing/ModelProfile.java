package dev.switchboard.core.routing;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.QualityProfile;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A deployment as the router sees it: its config merged with the price catalogue.
 *
 * @param relativeCost unitless cost weight for comparing models that have no real price
 * @param priceSource "config", "catalogue" or "none" (free and unknown to the catalogue)
 * @param qualitySource "config", "catalogue", "tier" or "default"
 */
public record ModelProfile(
        Deployment deployment,
        Prices prices,
        int contextWindow,
        int maxOutputTokens,
        QualityProfile quality,
        double relativeCost,
        String priceSource,
        String qualitySource) {

    public String id() {
        return deployment.id();
    }

    public OptionalInt tier() {
        return deployment.info().tier();
    }

    public Set<String> taskTypes() {
        return deployment.info().taskTypes();
    }

    public boolean capableOf(String taskType) {
        Set<String> types = taskTypes();
        return types.isEmpty() || types.contains(taskType);
    }

    public Optional<String> label() {
        return deployment.info().label();
    }
}
