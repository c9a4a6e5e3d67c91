package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.deployment;
import static dev.switchboard.core.reliability.Fixtures.serverError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.RedisSettings;
import dev.switchboard.core.config.Secret;
import dev.switchboard.core.reliability.DeploymentHealth.State;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The link's up/down decisions and the cool-downs it carries, over a store held in memory by the test. */
class SharedStateTest {
    /** Cool-downs in a map; unreachable, every call fails as a refused connection does. */
    static final class FakeStore implements SharedStore {
        final Map<String, Long> coolDowns = new ConcurrentHashMap<>();
        volatile boolean reachable = true;
        /** What a heartbeat answers: the replicas the store counts. */
        volatile int replicas = 1;
        final java.util.Set<String> left = ConcurrentHashMap.newKeySet();
        final Map<String, byte[]> values = new ConcurrentHashMap<>();

        @Override
        public AsyncBucketProxy bucket(String name, BucketConfiguration configuration) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> putCoolDown(String deploymentId, long untilEpochMillis) {
            if (!reachable) return CompletableFuture.failedFuture(new IOException("connection refused"));
            coolDowns.put(deploymentId, untilEpochMillis);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Map<String, Long>> coolDowns(List<String> deploymentIds) {
            if (!reachable) return CompletableFuture.failedFuture(new IOException("connection refused"));
            return CompletableFuture.completedFuture(Map.copyOf(coolDowns));
        }

        @Override
        public CompletableFuture<Integer> heartbeat(String replicaId, Duration window) {
            if (!reachable) return CompletableFuture.failedFuture(new IOException("connection refused"));
            return CompletableFuture.completedFuture(replicas);
        }

        @Override
        public CompletableFuture<Void> leave(String replicaId) {
            left.add(replicaId);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> putValue(String key, byte[] value, Duration ttl) {
            if (!reachable) return CompletableFuture.failedFuture(new IOException("connection refused"));
            values.put(key, value);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<java.util.Optional<byte[]>> value(String key) {
            if (!reachable) return CompletableFuture.failedFuture(new IOException("connection refused"));
            return CompletableFuture.completedFuture(java.util.Optional.ofNullable(values.get(key)));
        }

        @Override
        public CompletableFuture<Boolean> removeValue(String key) {
            if (!reachable) return CompletableFuture.failedFuture(new IOException("connection refused"));
            return CompletableFuture.completedFuture(values.remove(key) != null);
        }

        @Override
        public void close() {}
    }

    private final FakeStore store = new FakeStore();
    private final RedisSettings settings = new RedisSettings(Optional.of(new Secret("redis://:pw@cache:6379/0")),
            "switchboard.redis.url", Duration.ofMillis(50), "switchboard:");
    private final SharedState shared = SharedState.start(store, settings, List.of("a", "b"));

    @AfterEach
    void close() {
        shared.close();
    }

    @Test
    void aSlowAnswerFallsBackForThatCallOnlyAnErrorMarksTheStoreDownUntilItAnswersAgain() throws Exception {
        assertThatThrownBy(() -> shared.await(new CompletableFuture<>())).isInstanceOf(SharedState.Unavailable.class);
        assertThat(shared.up()).as("slow is not gone").isTrue();

        store.reachable = false;
        assertThatThrownBy(() -> shared.await(CompletableFuture.failedFuture(new IOException("connection refused"))))
                .isInstanceOf(SharedState.Unavailable.class);
        assertThat(shared.up()).isFalse();

        store.reachable = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!shared.up() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(shared.up()).as("the sync finds it back").isTrue();
        assertThat(shared.await(CompletableFuture.completedFuture(7))).isEqualTo(7);
    }

    @Test
    void anOpenedCircuitPublishesItsCoolDownAndAnotherReplicasCoolDownOpensTheCircuitHere() {
        ManualTicker ticker = new ManualTicker();
        DeploymentHealth health = new DeploymentHealth(
                new Settings().circuit(3, Duration.ofSeconds(60), Duration.ofSeconds(5)).build(),
                List.of(deployment("a", "gpt"), deployment("b", "gpt")), ticker, Optional.of(shared));
        for (int i = 0; i < 3; i++) {
            DeploymentHealth.Call call = health.admit("a");
            call.failed(serverError());
            call.release();
        }
        assertThat(store.coolDowns).containsEntry("a", ticker.epochMillis() + 5_000);

        health.coolDownElsewhere("b", ticker.epochMillis() + 2_000);
        assertThat(health.status("b").state()).isEqualTo(State.OPEN);
        assertThat(health.blockedFor("b")).isEqualTo(Duration.ofSeconds(2));
        assertThat(health.status("b").lastError()).contains("cool-down set by another replica");

        health.coolDownElsewhere("a", ticker.epochMillis() + 5_000); // its own, read back: nothing changes
        assertThat(health.blockedFor("a")).isEqualTo(Duration.ofSeconds(5));
        health.coolDownElsewhere("b", ticker.epochMillis() - 1); // over already
        assertThat(health.blockedFor("b")).isEqualTo(Duration.ofSeconds(2));

        ticker.advance(Duration.ofSeconds(2));
        assertThat(health.admit("b").probe()).as("the half-open probe, as after its own cool-down").isTrue();
    }

    /** Cool-downs set while the store was down reach it once it answers: the other replicas learn of them then. */
    @Test
    void coolDownsSetDuringAnOutageArePublishedWhenTheStoreAnswersAgain() throws Exception {
        ManualTicker ticker = new ManualTicker();
        DeploymentHealth health = new DeploymentHealth(
                new Settings().circuit(3, Duration.ofSeconds(60), Duration.ofSeconds(5)).build(),
                List.of(deployment("a", "gpt"), deployment("b", "gpt")), ticker, Optional.of(shared));
        store.reachable = false;
        failThrice(health, "a"); // published while the link still looked up: the write fails and marks it down
        assertThat(shared.up()).isFalse();
        ticker.advance(Duration.ofSeconds(1));
        failThrice(health, "b"); // set while down: not tried at all
        assertThat(store.coolDowns).isEmpty();

        store.reachable = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.coolDowns.size() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(store.coolDowns).containsOnly(
                Map.entry("a", ticker.epochMillis() - 1_000 + 5_000), Map.entry("b", ticker.epochMillis() + 5_000));

        store.coolDowns.clear(); // as Redis does when they expire: published once, not again on every sync
        Thread.sleep(3 * SharedState.SYNC_INTERVAL.toMillis());
        assertThat(store.coolDowns).isEmpty();
    }

    /** The count of live replicas is the store's; an outage keeps the last one; a replica closing says it leaves. */
    @Test
    void theReplicaCountIsTheStoresKeptThroughAnOutageAndAClosingReplicaLeaves() throws Exception {
        java.util.List<Integer> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        shared.onReplicaCount(told::add);
        store.replicas = 3;
        awaitTrue(() -> shared.replicas() == 3);
        assertThat(told).containsExactly(3);

        store.reachable = false;
        awaitTrue(() -> !shared.up());
        assertThat(shared.replicas()).as("the last count, while nobody can say otherwise").isEqualTo(3);
        store.replicas = 2;
        store.reachable = true;
        awaitTrue(() -> shared.replicas() == 2);
        assertThat(told).containsExactly(3, 2);

        shared.close();
        assertThat(store.left).hasSize(1);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void failThrice(DeploymentHealth health, String deployment) {
        for (int i = 0; i < 3; i++) {
            DeploymentHealth.Call call = health.admit(deployment);
            call.failed(serverError());
            call.release();
        }
    }
}
