package dev.switchboard.core.reliability;

import dev.switchboard.core.config.RedisSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The link to the {@link SharedStore}, and whether it answers. A request never waits longer than the configured
 * timeout for it: past that, or on an error, the request is checked against the process's own state. An error (refused,
 * disconnected) marks the store down at once; a slow answer alone does not (a hot bucket under contention is slow, not
 * gone): the background sync, every {@link #SYNC_INTERVAL}, reads the cool-downs other replicas recorded with a plain
 * read, and its timing out marks the store down. While it is down, requests do not try the store at all (a silent Redis
 * costs the requests of one sync interval a timeout, not every request); the sync notices when it answers again. Each
 * change is logged once. Cool-downs this replica set while the store was down are published when it answers again, so
 * the other replicas stop sending to a deployment this one found failing. Each sync also counts this replica as live
 * and reads how many are ({@link #replicas()}), so that during an outage each enforces its share of the limits.
 */
public final class SharedState implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SharedState.class.getName());
    /** How often cool-downs set by other replicas are read; also how soon a store that is back is used again. */
    public static final Duration SYNC_INTERVAL = Duration.ofMillis(250);
    /** A replica not heard from for this long (stopped, or cut off from the store) no longer counts as live. */
    public static final Duration REPLICA_WINDOW = Duration.ofSeconds(5);

    /** The store did not answer in time; the caller uses its own state instead. */
    public static final class Unavailable extends Exception {
        Unavailable() {
            super(null, null, false, false);
        }
    }

    private final SharedStore store;
    private final RedisSettings settings;
    private final long timeoutNanos;
    private final List<String> deploymentIds;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private volatile boolean closed;
    private volatile BiConsumer<String, Long> coolDowns = (id, until) -> {};
    /** Cool-downs the store did not take (down, or the write failed), by deployment: published once it answers. */
    private final Map<String, Long> unpublished = new ConcurrentHashMap<>();
    private final String replicaId = UUID.randomUUID().toString();
    private volatile int replicas = 1;
    private volatile IntConsumer replicaCount = n -> {};
    private final ScheduledExecutorService sync;

    private SharedState(SharedStore store, RedisSettings settings, List<String> deploymentIds) {
        this.store = store;
        this.settings = settings;
        this.timeoutNanos = settings.timeout().toNanos();
        this.deploymentIds = List.copyOf(deploymentIds);
        this.sync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-shared-state");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts syncing the cool-downs of {@code deploymentIds} from {@code store}. */
    public static SharedState start(SharedStore store, RedisSettings settings, List<String> deploymentIds) {
        SharedState s = new SharedState(store, settings, deploymentIds);
        long every = SYNC_INTERVAL.toMillis();
        s.sync.scheduleWithFixedDelay(s::sync, 0, every, TimeUnit.MILLISECONDS);
        return s;
    }

    public SharedStore store() {
        return store;
    }

    /** False while the store is down: use the process's own state. */
    public boolean up() {
        return up.get();
    }

    /** The result of a call on a request's path, waiting at most the configured timeout. */
    <T> T await(CompletableFuture<T> call) throws Unavailable {
        try {
            return call.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable();
        } catch (TimeoutException e) {
            call.cancel(false);
            throw new Unavailable();
        } catch (Exception e) {
            wentDown(e);
            throw new Unavailable();
        }
    }

    /**
     * A call whose result nobody waits for (a refund, a settle): only its failure matters. The client's own command
     * timeout (the same setting) ends one that gets no answer.
     */
    void watch(CompletableFuture<?> call) {
        call.whenComplete((v, e) -> {
            if (e != null) wentDown(e);
        });
    }

    /** Keeps {@code value} under {@code key} for every replica for {@code ttl}. */
    public void putValue(String key, byte[] value, Duration ttl) throws Unavailable {
        ask(() -> store.putValue(key, value, ttl));
    }

    /** The value every replica sees under {@code key}, if one is kept. */
    public Optional<byte[]> value(String key) throws Unavailable {
        return ask(() -> store.value(key));
    }

    /** Removes the value under {@code key} for every replica; whether there was one. */
    public boolean removeValue(String key) throws Unavailable {
        return ask(() -> store.removeValue(key));
    }

    /** {@link #await} on a call made only while the store is up: one that is down is not asked. */
    private <T> T ask(Supplier<CompletableFuture<T>> call) throws Unavailable {
        if (!up()) throw new Unavailable();
        return await(call.get());
    }

    /** Tells the other replicas that the deployment cools down until {@code untilEpochMillis}. */
    void publishCoolDown(String deploymentId, long untilEpochMillis) {
        if (!up()) {
            unpublished.merge(deploymentId, untilEpochMillis, Math::max);
            return;
        }
        store.putCoolDown(deploymentId, untilEpochMillis).whenComplete((v, e) -> {
            if (e == null) return;
            unpublished.merge(deploymentId, untilEpochMillis, Math::max);
            wentDown(e);
        });
    }

    /** On the sync thread, once the store answers: what it missed; the store drops cool-downs already over. */
    private void publishMissed() {
        for (Map.Entry<String, Long> e : unpublished.entrySet()) {
            if (unpublished.remove(e.getKey(), e.getValue())) publishCoolDown(e.getKey(), e.getValue());
        }
    }

    /**
     * How many replicas share the store, this one included, as last counted while it answered (1 before the first
     * count). While the store is down it keeps the last count: each replica then enforces its share of the limits.
     */
    public int replicas() {
        return replicas;
    }

    /** Where a changed replica count goes (on the sync thread). */
    void onReplicaCount(IntConsumer listener) {
        this.replicaCount = listener;
    }

    /** Where cool-downs read from the store go (deployment id, until epoch millis). */
    void onCoolDown(BiConsumer<String, Long> listener) {
        this.coolDowns = listener;
    }

    private void sync() {
        try {
            CompletableFuture<Integer> live = store.heartbeat(replicaId, REPLICA_WINDOW);
            Map<String, Long> running = store.coolDowns(deploymentIds).get(timeoutNanos, TimeUnit.NANOSECONDS);
            int counted = Math.max(1, live.get(timeoutNanos, TimeUnit.NANOSECONDS));
            cameBack();
            if (!unpublished.isEmpty()) publishMissed();
            running.forEach(coolDowns);
            if (counted != replicas) {
                replicas = counted;
                replicaCount.accept(counted);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            wentDown(e);
        } catch (Throwable t) {
            LOG.warning("syncing with Redis failed: " + t); // keep the schedule alive
        }
    }

    private void wentDown(Throwable e) {
        if (closed || !up.compareAndSet(true, false)) return; // calls still out when the engine closes fail: no outage
        Throwable cause = e instanceof java.util.concurrent.ExecutionException || e instanceof java.util.concurrent.CompletionException
                ? e.getCause() : e;
        String reason = cause instanceof java.util.concurrent.TimeoutException
                ? "no answer within " + settings.timeout().toMillis() + " ms" : String.valueOf(cause);
        LOG.warning("Redis at " + settings.source() + " (" + settings.redactedUrl() + ") is not answering (" + reason
                + "): rpm/tpm limits and cool-downs are kept in this process until it answers again");
    }

    private void cameBack() {
        if (up.compareAndSet(false, true)) {
            LOG.warning("Redis at " + settings.source() + " (" + settings.redactedUrl() + ") answers again: rpm/tpm "
                    + "limits and cool-downs are shared between replicas again");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        sync.shutdownNow();
        if (up()) {
            try {
                store.leave(replicaId).get(timeoutNanos, TimeUnit.NANOSECONDS); // the others' shares grow at once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the entry ages out of the count within REPLICA_WINDOW
            }
        }
        store.close();
    }
}
