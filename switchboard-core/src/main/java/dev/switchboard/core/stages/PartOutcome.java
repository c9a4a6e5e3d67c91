package dev.switchboard.core.stages;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Exchange;
import java.util.Optional;

/**
 * How one part of a decomposed request ended.
 *
 * @param child the exchange the part ran in (its attempts, headers and plan)
 * @param deploymentId the deployment that answered (or last failed)
 */
public record PartOutcome(
        DecomposeStage.PartRun run,
        Exchange child,
        String content,
        Optional<Usage> usage,
        Optional<FinishReason> finishReason,
        Optional<GatewayException> error,
        long latencyNanos,
        Optional<String> deploymentId) {

    public boolean succeeded() {
        return error.isEmpty();
    }
}
