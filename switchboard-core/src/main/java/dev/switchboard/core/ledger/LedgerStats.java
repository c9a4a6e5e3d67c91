package dev.switchboard.core.ledger;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the ledger says about a span of calls.
 *
 * @param calls records (whole requests and parts alike)
 * @param errors records that failed: a status other than those in {@link LedgerRecord#NOT_FAILURES} (a cascade tier
 *     escalated past and a stream its client closed are no failures)
 * @param totalCostUsd what the calls cost
 * @param topTierCostUsd what the same tokens would have cost on the top-tier model
 * @param averageQuality mean quality signal over the rated records; empty when none is rated
 * @param ratedCalls records that carry a quality signal
 * @param callsByTier records per deployment tier (records without a tier are not counted here)
 * @param callsByModel records per model group
 * @param callsByTaskType records per task type (plain, unclassified calls are not counted here)
 * @param callsByStatus records per status: {@code ok}, {@code cascade_rejected}, {@code client_closed} and each error code
 */
public record LedgerStats(
        long calls,
        long errors,
        double totalCostUsd,
        double topTierCostUsd,
        OptionalDouble averageQuality,
        long ratedCalls,
        Map<Integer, Long> callsByTier,
        Map<String, Long> callsByModel,
        Map<String, Long> callsByTaskType,
        Map<String, Long> callsByStatus) {

    public LedgerStats {
        callsByTier = Map.copyOf(callsByTier);
        callsByModel = Map.copyOf(callsByModel);
        callsByTaskType = Map.copyOf(callsByTaskType);
        callsByStatus = Map.copyOf(callsByStatus);
    }

    /** Dollars saved versus sending every call to the top-tier model. */
    public double savingsUsd() {
        return topTierCostUsd - totalCostUsd;
    }

    /** Savings as a share (0–1) of the top-tier cost; 0 when the top-tier cost is 0. */
    public double savingsShare() {
        return topTierCostUsd > 0 ? savingsUsd() / topTierCostUsd : 0;
    }
}
