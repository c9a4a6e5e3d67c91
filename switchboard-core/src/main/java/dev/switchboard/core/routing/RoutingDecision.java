package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Optional;

/**
 * The utility router's decision for one task, with everything needed to explain it.
 *
 * @param task what the classifier made of the task
 * @param promptTokens tokens of the prompt as sent (messages included)
 * @param expectedOutputTokens the answer length assumed for cost and context checks
 * @param qualityWeight β
 * @param costWeight α
 * @param costBasis "usd" when any candidate has a real price, "relative" when all are free and are
 *     compared by relative cost
 * @param candidates every deployment considered, best first: the chosen one, the other qualified ones by
 *     utility, those below the threshold by quality, then the rejected ones
 * @param chosen the chosen deployment id; empty when no deployment can serve the task
 * @param rationale one human-readable line
 * @param catalogueVersion the price catalogue version used for deployments without configured prices
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RoutingDecision(
        TaskProfile task,
        int promptTokens,
        int expectedOutputTokens,
        double threshold,
        double qualityWeight,
        double costWeight,
        String costBasis,
        List<CandidateScore> candidates,
        Optional<String> chosen,
        String rationale,
        String catalogueVersion) {

    public RoutingDecision {
        candidates = List.copyOf(candidates);
    }

    public Optional<CandidateScore> chosenCandidate() {
        return candidates.isEmpty() || candidates.get(0).status() != CandidateScore.Status.CHOSEN
                ? Optional.empty() : Optional.of(candidates.get(0));
    }
}
