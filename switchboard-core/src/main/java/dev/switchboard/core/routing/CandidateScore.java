package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.OptionalInt;

/**
 * How one deployment fared for one task.
 *
 * @param quality Q: expected quality at the task's type and complexity
 * @param threshold the quality the task type requires
 * @param expectedCostUsd expected cost in USD from real prices (0 for free models)
 * @param cost C: the expected cost normalised across the considered candidates (most expensive = 1),
 *     in USD or relative-cost terms as the decision's {@code cost_basis} says
 * @param utility U = β·Q − α·C
 * @param reason why it was chosen or rejected, in words
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CandidateScore(
        String deployment,
        String model,
        String provider,
        String upstreamModel,
        OptionalInt tier,
        double quality,
        double threshold,
        double expectedCostUsd,
        double cost,
        double utility,
        Status status,
        String reason) {

    /** Outcome for a candidate; the first three can serve the request, in this order of preference. */
    public enum Status {
        CHOSEN, QUALIFIED, BELOW_THRESHOLD, NOT_TOP_TIER, NOT_PINNED, NOT_CAPABLE, CONTEXT_TOO_SMALL;

        /** Whether a deployment with this status may take the request as a fallback. */
        public boolean servable() {
            return this == CHOSEN || this == QUALIFIED || this == BELOW_THRESHOLD;
        }
    }
}
