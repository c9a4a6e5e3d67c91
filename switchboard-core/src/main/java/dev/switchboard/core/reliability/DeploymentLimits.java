package dev.switchboard.core.reliability;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A deployment's own RPM/TPM limits ({@code rpm}/{@code tpm} in {@code litellm_params}), enforced before
 * the call with Bucket4j token buckets (greedy refill over a minute), plus a sliding one-minute record of
 * the tokens each deployment was sent, which usage-based routing reads. Token counts are estimates
 * (prompt + requested output) reserved up front and settled against the real usage when it is known.
 *
 * <p>With a {@link SharedState} (Redis), the buckets live there and every replica draws from the same ones, each
 * check a single call per limit (rpm and tpm are sent together). While the store does not answer, the in-process
 * buckets take over, each sized to this replica's share of the limits (divided by the replicas last counted, rounded
 * up), so the fleet together stays near the limits during an outage. The usage window stays per
 * process: usage-based routing reads it for every candidate, and behind a load balancer each replica's share of the
 * traffic orders deployments the same way the whole fleet's would.
 */
public final class DeploymentLimits {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /**
     * Whether a call was reserved; when not, how long until the deployment has headroom for it: the refill of one
     * request (RPM) or of the tokens it needs (TPM), whichever comes later, not the whole minute.
     */
    public record Reservation(boolean granted, Duration retryAfter) {
        static final Reservation GRANTED = new Reservation(true, Duration.ZERO);
    }

    private final Ticker ticker;
    private final TimeMeter meter;
    private final Map<String, Buckets> buckets = new ConcurrentHashMap<>();
    private final Map<String, UsageWindow> usage = new ConcurrentHashMap<>();
    private final SharedState shared;

    public DeploymentLimits(Collection<Deployment> deployments, Ticker ticker) {
        this(deployments, ticker, Optional.empty());
    }

    /** Limits shared between replicas through {@code shared} when present. */
    public DeploymentLimits(Collection<Deployment> deployments, Ticker ticker, Optional<SharedState> shared) {
        this.ticker = ticker;
        this.shared = shared.orElse(null);
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        for (Deployment d : deployments) {
            if (d.rpm().isEmpty() && d.tpm().isEmpty()) continue;
            buckets.put(d.id(), new Buckets(d.rpm(), d.tpm(), meter, this.shared == null ? null : new SharedBuckets(
                    sharedBucket(d.id(), "rpm", d.rpm()), sharedBucket(d.id(), "tpm", d.tpm()))));
        }
        if (this.shared != null) {
            // Each resize reads the latest count, so one that raced with a change is followed by the change's own.
            this.shared.onReplicaCount(n -> shareAmongReplicas());
            shareAmongReplicas();
        }
    }

    private void shareAmongReplicas() {
        buckets.values().forEach(b -> b.shareAmong(shared.replicas()));
    }

    /**
     * The limit is in the name: a replica started with a changed rpm gets a fresh bucket rather than the old limit
     * stored in Redis (ids are {@code model_info.id}, else group and position, so the same config names the same keys).
     */
    private AsyncBucketProxy sharedBucket(String deploymentId, String kind, OptionalInt perMinute) {
        if (perMinute.isEmpty()) return null;
        int n = perMinute.getAsInt();
        return shared.store().bucket("limits:" + deploymentId + ":" + kind + ":" + n,
                BucketConfiguration.builder().addLimit(perMinute(n)).build());
    }

    /** {@code n} a minute, refilled greedily: the shape of every limit here, in process and in Redis. */
    private static Bandwidth perMinute(long n) {
        return Bandwidth.builder().capacity(n).refillGreedy(n, MINUTE).build();
    }

    /** Reserves one request of about {@code tokens} tokens on the deployment, if its limits allow it now. */
    public Reservation reserve(Deployment d, long tokens) {
        Buckets b = buckets.get(d.id());
        if (b != null && b.shared != null && shared.up()) {
            try {
                Duration wait = reserveShared(b, tokens);
                if (!wait.isZero()) return new Reservation(false, wait);
                usage.computeIfAbsent(d.id(), k -> new UsageWindow()).add(ticker.nanoTime(), tokens);
                return Reservation.GRANTED;
            } catch (SharedState.Unavailable e) {
                // no answer in time: this request is checked against the process's own buckets (what the late call
                // takes in Redis stays taken, erring on the side of the limit)
            }
        }
        if (b != null) {
            long wait = 0;
            boolean rpmTaken = false;
            if (b.rpm.isPresent()) {
                ConsumptionProbe p = b.rpm.get().tryConsumeAndReturnRemaining(1);
                if (p.isConsumed()) rpmTaken = true;
                else wait = p.getNanosToWaitForRefill();
            }
            if (wait == 0 && b.tpm.isPresent()) {
                ConsumptionProbe p = b.tpm.get().tryConsumeAndReturnRemaining(b.clampLocal(tokens));
                if (!p.isConsumed()) {
                    wait = p.getNanosToWaitForRefill();
                    if (rpmTaken) b.rpm.get().addTokens(1);
                }
            } else if (wait > 0 && b.tpm.isPresent()) {
                // Both budgets must have room: the wait is the longer of the two, or the retry is refused again.
                EstimationProbe p = b.tpm.get().estimateAbilityToConsume(b.clampLocal(tokens));
                if (!p.canBeConsumed()) wait = Math.max(wait, p.getNanosToWaitForRefill());
            }
            if (wait > 0) return new Reservation(false, Duration.ofNanos(wait));
        }
        usage.computeIfAbsent(d.id(), k -> new UsageWindow()).add(ticker.nanoTime(), tokens);
        return Reservation.GRANTED;
    }

    /** Both limits in one go; one not met refunds the other. Zero when granted, else how long until headroom. */
    private Duration reserveShared(Buckets b, long tokens) throws SharedState.Unavailable {
        SharedBuckets s = b.shared;
        long charge = b.clamp(tokens);
        CompletableFuture<ConsumptionProbe> rpm = s.rpm == null ? null : s.rpm.tryConsumeAndReturnRemaining(1);
        CompletableFuture<ConsumptionProbe> tpm = s.tpm == null ? null : s.tpm.tryConsumeAndReturnRemaining(charge);
        ConsumptionProbe r = rpm == null ? null : shared.await(rpm);
        ConsumptionProbe t = tpm == null ? null : shared.await(tpm);
        long wait = Math.max(r == null || r.isConsumed() ? 0 : r.getNanosToWaitForRefill(),
                t == null || t.isConsumed() ? 0 : t.getNanosToWaitForRefill());
        if (wait == 0) return Duration.ZERO;
        if (r != null && r.isConsumed()) shared.watch(s.rpm.addTokens(1));
        if (t != null && t.isConsumed()) shared.watch(s.tpm.addTokens(charge));
        return Duration.ofNanos(wait);
    }

    /** Corrects a reservation once the real token count is known. */
    public void settle(Deployment d, long estimated, long actual) {
        long delta = actual - estimated;
        if (delta == 0) return;
        usage.computeIfAbsent(d.id(), k -> new UsageWindow()).add(ticker.nanoTime(), delta);
        Buckets b = buckets.get(d.id());
        if (b == null || b.tpm.isEmpty()) return;
        if (b.shared != null && shared.up()) {
            shared.watch(delta > 0 ? b.shared.tpm.consumeIgnoringRateLimits(delta)
                    : b.shared.tpm.addTokens(Math.min(-delta, b.clamp(estimated))));
            return;
        }
        if (delta > 0) b.tpm.get().consumeIgnoringRateLimits(delta);
        else b.tpm.get().addTokens(Math.min(-delta, b.clampLocal(estimated)));
    }

    /** True when a request of {@code tokens} tokens would be admitted now (without reserving it). */
    public boolean hasHeadroom(Deployment d, long tokens) {
        Buckets b = buckets.get(d.id());
        if (b == null) return true;
        if (b.shared != null && shared.up()) {
            try {
                if (b.shared.rpm != null && shared.await(b.shared.rpm.getAvailableTokens()) < 1) return false;
                return b.shared.tpm == null || shared.await(b.shared.tpm.getAvailableTokens()) >= b.clamp(tokens);
            } catch (SharedState.Unavailable e) {
                // fall through to the process's own buckets
            }
        }
        if (b.rpm.isPresent() && b.rpm.get().getAvailableTokens() < 1) return false;
        return b.tpm.isEmpty() || b.tpm.get().getAvailableTokens() >= b.clampLocal(tokens);
    }

    /** Tokens sent to the deployment during the last minute. */
    public long tokensLastMinute(Deployment d) {
        UsageWindow w = usage.get(d.id());
        return w == null ? 0 : w.total(ticker.nanoTime());
    }

    /** The replica-wide buckets; null where the deployment sets no such limit. */
    private record SharedBuckets(AsyncBucketProxy rpm, AsyncBucketProxy tpm) {}

    /**
     * The in-process buckets, sized to this replica's share of the limits, and the shared ones (null without Redis).
     */
    private static final class Buckets {
        final Optional<Bucket> rpm;
        final Optional<Bucket> tpm;
        final OptionalInt rpmLimit;
        final OptionalInt tpmLimit;
        final SharedBuckets shared;
        /** How many replicas the in-process buckets are a share among (written under this object's lock). */
        private volatile int replicas = 1;

        /** Whole limits, as for one replica alone, until {@link #shareAmong} says otherwise. */
        Buckets(OptionalInt rpmLimit, OptionalInt tpmLimit, TimeMeter meter, SharedBuckets shared) {
            this.rpmLimit = rpmLimit;
            this.tpmLimit = tpmLimit;
            this.shared = shared;
            this.rpm = local(rpmLimit, meter);
            this.tpm = local(tpmLimit, meter);
        }

        private static Optional<Bucket> local(OptionalInt limit, TimeMeter meter) {
            if (limit.isEmpty()) return Optional.empty();
            return Optional.of(Bucket.builder().withCustomTimePrecision(meter).addLimit(perMinute(limit.getAsInt())).build());
        }

        /** Rounded up: a replica always keeps at least one request (and a limit of 5 among 2 gives 3 each). */
        private static long share(int limit, int replicas) {
            return Math.ceilDiv(limit, replicas);
        }

        /** Resizes the in-process buckets to a share among {@code n} replicas, keeping what is left in proportion. */
        synchronized void shareAmong(int n) {
            if (n == replicas) return;
            replicas = n;
            resize(rpm, rpmLimit, n);
            resize(tpm, tpmLimit, n);
        }

        private static void resize(Optional<Bucket> bucket, OptionalInt limit, int replicas) {
            bucket.ifPresent(b -> b.replaceConfiguration(BucketConfiguration.builder()
                    .addLimit(perMinute(share(limit.getAsInt(), replicas))).build(), TokensInheritanceStrategy.PROPORTIONALLY));
        }

        /** A request larger than the whole per-minute budget may still run alone: charge at most the budget. */
        long clamp(long tokens) {
            return clampTo(tokens, tpmLimit.orElse(0));
        }

        /** The same against this replica's share, what its in-process tpm bucket holds. */
        long clampLocal(long tokens) {
            return clampTo(tokens, tpmLimit.isPresent() ? share(tpmLimit.getAsInt(), replicas) : 0);
        }

        private static long clampTo(long tokens, long capacity) {
            return Math.max(1, capacity > 0 ? Math.min(tokens, capacity) : tokens);
        }
    }

    /** Tokens per second over the last 60 seconds, in a ring of one-second slots. */
    private static final class UsageWindow {
        private final long[] seconds = new long[60];
        private final long[] tokens = new long[60];

        synchronized void add(long nowNanos, long n) {
            long second = Math.floorDiv(nowNanos, 1_000_000_000L);
            int slot = (int) Math.floorMod(second, 60L);
            if (seconds[slot] != second) {
                seconds[slot] = second;
                tokens[slot] = 0;
            }
            tokens[slot] += n;
        }

        synchronized long total(long nowNanos) {
            long second = Math.floorDiv(nowNanos, 1_000_000_000L);
            long sum = 0;
            for (int i = 0; i < 60; i++) {
                if (second - seconds[i] < 60 && seconds[i] <= second) sum += tokens[i];
            }
            return Math.max(0, sum);
        }
    }
}
