package dev.switchboard.core.cascade;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Exchange;
import java.util.Optional;

/**
 * One model call a cascade made — a tier's answer or a judge's grading — for the ledger (one record per
 * call) and the cost header.
 *
 * @param kind {@link #TIER} or {@link #JUDGE}
 * @param model the model group called
 * @param child the exchange the call ran in (its attempts and headers)
 * @param status the ledger status: {@code ok}, {@link #REJECTED}, or the error's code
 * @param deploymentId the deployment that answered (or failed last)
 * @param topTierCostUsd the savings baseline: what the served answer would have cost on the top-tier model; 0 for
 *     every other call (a rejected or failed tier, a judge), which asking the top tier alone would not have made
 */
public record CascadeCall(String kind, String model, Exchange child, Optional<Usage> usage, long latencyNanos,
        Optional<GatewayException> error, String status, Optional<String> deploymentId, double costUsd,
        double topTierCostUsd) {
    public static final String TIER = "tier";
    public static final String JUDGE = "judge";
    /** Ledger status of a tier whose answer failed the checks and was not served. */
    public static final String REJECTED = dev.switchboard.core.ledger.LedgerRecord.CASCADE_REJECTED;
}
