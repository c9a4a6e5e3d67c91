package dev.switchboard.core.reliability;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Replica-wide state (Redis): token buckets, cool-downs, live replicas and values kept for a while (stored responses),
 * every key under one prefix.
 */
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

    /** Keeps {@code value} under {@code key} for every replica until {@code ttl} has passed, replacing what was there. */
    CompletableFuture<Void> putValue(String key, byte[] value, Duration ttl);

    /** The value under {@code key}, if one is kept. */
    CompletableFuture<Optional<byte[]>> value(String key);

    /** Removes the value under {@code key}; whether there was one. */
    CompletableFuture<Boolean> removeValue(String key);

    @Override
    void close();
}
