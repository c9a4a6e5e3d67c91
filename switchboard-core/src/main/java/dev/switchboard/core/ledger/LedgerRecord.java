package dev.switchboard.core.ledger;

import dev.switchboard.core.model.Usage;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One routed call in the append-only ledger: a whole request, or one part of a decomposed request.
 *
 * @param time when the call finished
 * @param requestId the id the client saw; for a part, the part's own id
 * @param parentRequestId for a part of a decomposed request, the id of the whole request
 * @param partIndex the part's position in the prompt (0 for an undivided request)
 * @param caller the principal id
 * @param taskType the classifier's task type, for routed calls
 * @param complexity the classifier's complexity 0–1, for routed calls
 * @param tier the tier of the deployment that answered, when declared
 * @param modelGroup the model name the call was routed to (the client's model for plain calls)
 * @param deploymentId the deployment that answered (or failed last)
 * @param usage tokens as the provider reported them (cached and reasoning tokens included)
 * @param costUsd what the call cost at the catalogue's prices
 * @param topTierCostUsd what the same tokens would have cost on the top-tier model; the source of the
 *     savings figure in {@link LedgerStats}
 * @param priceCatalogue the version of the price catalogue that priced the call
 * @param status {@link #OK}, {@link #CASCADE_REJECTED}, {@link #CLIENT_CLOSED}, or the error code (or type) of the
 *     {@link dev.switchboard.core.GatewayException}
 * @param fallbacksUsed deployments tried before the one that answered
 * @param attempts upstream calls made in all (retries included)
 * @param quality a quality signal 0–1, when one is known (feedback attaches it later)
 * @param router which router decided ("utility", "model-group", ...)
 */
public record LedgerRecord(
        Instant time,
        String requestId,
        Optional<String> parentRequestId,
        int partIndex,
        String caller,
        Optional<String> taskType,
        OptionalDouble complexity,
        OptionalInt tier,
        String modelGroup,
        String deploymentId,
        String provider,
        String upstreamModel,
        long latencyMs,
        Usage usage,
        double costUsd,
        double topTierCostUsd,
        String priceCatalogue,
        String status,
        int fallbacksUsed,
        int attempts,
        OptionalDouble quality,
        String router) {

    public static final String OK = "ok";
    /** A cascade tier whose answer failed the checks and was escalated past: the cascade worked, nothing failed. */
    public static final String CASCADE_REJECTED = "cascade_rejected";
    /**
     * A stream its client stopped reading before the end (the model was called all the same): the code of
     * {@link dev.switchboard.core.GatewayException.ClientClosed}.
     */
    public static final String CLIENT_CLOSED = "client_closed";
    /** The statuses that are not a failure; every other status is an error's code. */
    public static final Set<String> NOT_FAILURES = Set.of(OK, CASCADE_REJECTED, CLIENT_CLOSED);
    /** Ends the request id of a call that graded an answer instead of giving one (a cascade's judge). */
    public static final String GRADING_SUFFIX = ".judge";

    public LedgerRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(parentRequestId, "parentRequestId");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(taskType, "taskType");
        Objects.requireNonNull(complexity, "complexity");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(modelGroup, "modelGroup");
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(priceCatalogue, "priceCatalogue");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(router, "router");
        if (partIndex < 0) throw new IllegalArgumentException("partIndex must not be negative");
        if (quality.isPresent() && !(quality.getAsDouble() >= 0 && quality.getAsDouble() <= 1)) {
            throw new IllegalArgumentException("quality must be between 0 and 1");
        }
    }

    public boolean ok() {
        return OK.equals(status);
    }

    /** Starts a record for {@code requestId}; unset fields are empty, zero or {@code ""}. */
    public static Builder builder(String requestId) {
        return new Builder(requestId);
    }

    /** Builds a record field by field, so callers name what they set. */
    public static final class Builder {
        private Instant time = Instant.EPOCH;
        private final String requestId;
        private Optional<String> parentRequestId = Optional.empty();
        private int partIndex;
        private String caller = "";
        private Optional<String> taskType = Optional.empty();
        private OptionalDouble complexity = OptionalDouble.empty();
        private OptionalInt tier = OptionalInt.empty();
        private String modelGroup = "";
        private String deploymentId = "";
        private String provider = "";
        private String upstreamModel = "";
        private long latencyMs;
        private Usage usage = Usage.ZERO;
        private double costUsd;
        private double topTierCostUsd;
        private String priceCatalogue = "";
        private String status = OK;
        private int fallbacksUsed;
        private int attempts;
        private OptionalDouble quality = OptionalDouble.empty();
        private String router = "";

        private Builder(String requestId) {
            this.requestId = requestId;
        }

        public Builder time(Instant v) { time = v; return this; }
        public Builder parent(String parentId, int index) { parentRequestId = Optional.of(parentId); partIndex = index; return this; }
        public Builder caller(String v) { caller = v; return this; }
        public Builder taskType(String v) { taskType = Optional.of(v); return this; }
        public Builder complexity(double v) { complexity = OptionalDouble.of(v); return this; }
        public Builder tier(int v) { tier = OptionalInt.of(v); return this; }
        public Builder modelGroup(String v) { modelGroup = v; return this; }
        public Builder deployment(String id, String providerId, String upstream) {
            deploymentId = id;
            provider = providerId;
            upstreamModel = upstream;
            return this;
        }
        public Builder latencyMs(long v) { latencyMs = v; return this; }
        public Builder usage(Usage v) { usage = v; return this; }
        public Builder cost(double actualUsd, double topTierUsd, String catalogueVersion) {
            costUsd = actualUsd;
            topTierCostUsd = topTierUsd;
            priceCatalogue = catalogueVersion;
            return this;
        }
        public Builder status(String v) { status = v; return this; }
        public Builder fallbacksUsed(int v) { fallbacksUsed = v; return this; }
        public Builder attempts(int v) { attempts = v; return this; }
        public Builder quality(double v) { quality = OptionalDouble.of(v); return this; }
        public Builder router(String v) { router = v; return this; }

        public LedgerRecord build() {
            return new LedgerRecord(time, requestId, parentRequestId, partIndex, caller, taskType, complexity, tier,
                    modelGroup, deploymentId, provider, upstreamModel, latencyMs, usage, costUsd, topTierCostUsd,
                    priceCatalogue, status, fallbacksUsed, attempts, quality, router);
        }
    }
}
