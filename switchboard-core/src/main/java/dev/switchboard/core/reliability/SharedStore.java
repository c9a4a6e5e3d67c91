package dev.switchboard.core.reliability;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Replica-wide reliability state (Redis): token buckets and cool-downs, every key under one prefix. */
public interface SharedStore extends AutoCloseable {
    /** The token bucket every replica sees under {@code name}, created with {@code configuration} on first use. */
    AsyncBucketProxy bucket(String name, BucketConfiguration configuration);

    /** Records that the deployment is cooling down until {@code untilEpochMillis}; the record expires then. */
    CompletableFuture<Void> putCoolDown(String deploymentId, long untilEpochMillis);

    /** The cool-downs still running, by deployment id (ids without one are absent). */
    CompletableFuture<Map<String, Long>> coolDowns(List<String> deploymentIds);

    /**
     * Counts replica {@code replicaId} as live now, and answers how many replicas sharing the store (this one included)
     * were seen within {@code window}.
     */
    CompletableFuture<Integer> heartbeat(String replicaId, Duration window);

    /** Replica {@code replicaId} stops: it no longer counts. */
    CompletableFuture<Void> leave(String replicaId);

    @Override
    void close();
}
