package dev.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.RedisSettings;
import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.config.Secret;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.reliability.DeploymentHealth;
import dev.switchboard.core.reliability.DeploymentLimits;
import dev.switchboard.core.reliability.SharedState;
import dev.switchboard.core.reliability.SharedStoreUnavailableException;
import dev.switchboard.testkit.LogCapture;
import dev.switchboard.testkit.TcpRelay;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas (two {@link SharedState}s, each with its own connection) on the Redis at 127.0.0.1:6379, every key
 * under a prefix of this test's own, deleted afterwards.
 */
class RedisSharedStateIT {
    private static final String REDIS = "redis://127.0.0.1:6379/0";
    private final String prefix = "switchboard-test:" + UUID.randomUUID() + ":";
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void deleteOwnKeys() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = c.sync().keys(prefix + "*");
            if (!keys.isEmpty()) c.sync().del(keys.toArray(String[]::new));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private RedisSettings settings(String url) {
        return new RedisSettings(Optional.of(new Secret(url)), "switchboard.redis.url", Duration.ofMillis(100), prefix);
    }

    private SharedState replica(String url, List<Deployment> deployments) {
        RedisSettings s = settings(url);
        SharedState shared = SharedState.start(RedisSharedStore.connect(s), s, deployments.stream().map(Deployment::id).toList());
        open.add(shared);
        return shared;
    }

    private static Deployment deployment(String id, OptionalInt rpm, OptionalInt tpm) {
        ModelInfo info = new ModelInfo(OptionalInt.empty(), Optional.empty(), Set.of(), 128_000, 4096, Prices.FREE, "chat",
                Optional.empty());
        return new Deployment(id, "gpt", "openai", "gpt-upstream", Optional.of(URI.create("http://upstream.test")),
                Optional.empty(), Map.of(), JsonNodeFactory.instance.objectNode(), rpm, tpm, 1, Timeouts.DEFAULT, info);
    }

    private static DeploymentLimits limits(Deployment d, SharedState shared) {
        return new DeploymentLimits(List.of(d), Ticker.SYSTEM, Optional.of(shared));
    }

    @Test
    void aValueOneReplicaKeepsIsReadAndRemovedByAnotherUntilItExpires() throws Exception {
        SharedState first = replica(REDIS, List.of());
        SharedState second = replica(REDIS, List.of());

        first.putValue("responses:a", new byte[] {1, 2, 3}, Duration.ofMinutes(1));
        first.putValue("responses:short", new byte[] {4}, Duration.ofMillis(50));

        assertThat(second.value("responses:a")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
        assertThat(second.removeValue("responses:a")).isTrue();
        assertThat(first.value("responses:a")).isEmpty();
        assertThat(first.removeValue("responses:a")).isFalse();
        Thread.sleep(200);
        assertThat(second.value("responses:short")).isEmpty();
    }

    @Test
    void twoReplicasAdmitAtMostTheRpmTogether() {
        Deployment d = deployment("gpt#0", OptionalInt.of(5), OptionalInt.empty());
        DeploymentLimits a = limits(d, replica(REDIS, List.of(d)));
        DeploymentLimits b = limits(d, replica(REDIS, List.of(d)));

        int granted = 0;
        for (int i = 0; i < 10; i++) {
            if ((i % 2 == 0 ? a : b).reserve(d, 10).granted()) granted++;
        }
        DeploymentLimits.Reservation refused = b.reserve(d, 10);

        assertThat(granted).isEqualTo(5);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(12));
        assertThat(a.hasHeadroom(d, 1)).isFalse();
    }

    @Test
    void aSettledTpmReservationIsCorrectedForEveryReplica() {
        Deployment d = deployment("gpt#0", OptionalInt.empty(), OptionalInt.of(1000));
        DeploymentLimits a = limits(d, replica(REDIS, List.of(d)));
        DeploymentLimits b = limits(d, replica(REDIS, List.of(d)));

        assertThat(a.reserve(d, 800).granted()).isTrue();
        assertThat(b.reserve(d, 700).granted()).as("only 200 left before the settle").isFalse();
        a.settle(d, 800, 200);
        awaitTrue("the refund reaches Redis", () -> b.hasHeadroom(d, 700));
        assertThat(b.reserve(d, 700).granted()).isTrue();
        b.settle(d, 700, 900);
        awaitTrue("the extra use reaches Redis", () -> !a.hasHeadroom(d, 1));
        assertThat(a.reserve(d, 1).granted()).isFalse();
    }

    @Test
    void aCoolDownStartedByOneReplicaIsHonouredByTheOther() {
        Deployment d = deployment("gpt#0", OptionalInt.empty(), OptionalInt.empty());
        ReliabilitySettings settings = ReliabilitySettings.defaults(); // 3 failures open the circuit for 5 s
        DeploymentHealth a = new DeploymentHealth(settings, List.of(d), Ticker.SYSTEM, Optional.of(replica(REDIS, List.of(d))));
        DeploymentHealth b = new DeploymentHealth(settings, List.of(d), Ticker.SYSTEM, Optional.of(replica(REDIS, List.of(d))));

        for (int i = 0; i < 3; i++) {
            DeploymentHealth.Call call = a.admit(d.id());
            call.failed(new GatewayException.UpstreamError("upstream said 500", 500, Duration.ZERO));
            call.release();
        }
        assertThat(a.status(d.id()).state()).isEqualTo(DeploymentHealth.State.OPEN);

        awaitTrue("the other replica sees the cool-down", () -> b.status(d.id()).state() == DeploymentHealth.State.OPEN);
        assertThatThrownBy(() -> b.admit(d.id())).isInstanceOf(GatewayException.Overloaded.class);
        assertThat(b.blockedFor(d.id())).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aRedisOutageFallsBackToTheProcessAndRecovers() throws Exception {
        Deployment d = deployment("gpt#0", OptionalInt.of(3), OptionalInt.empty());
        try (LogCapture log = LogCapture.of(SharedState.class, Level.WARNING)) {
            try (TcpRelay relay = TcpRelay.to("127.0.0.1", 6379)) {
                SharedState shared = replica("redis://:pw-not-needed@127.0.0.1:" + relay.port() + "/0", List.of(d));
                DeploymentLimits limits = limits(d, shared);
                for (int i = 0; i < 3; i++) assertThat(limits.reserve(d, 1).granted()).isTrue();
                assertThat(limits.reserve(d, 1).granted()).as("the shared bucket is empty").isFalse();

                relay.cut();
                // The process's own bucket (full: it was not used while Redis answered) takes over, with its own limit.
                List<Boolean> during = new ArrayList<>();
                for (int i = 0; i < 5; i++) during.add(limits.reserve(d, 1).granted());
                assertThat(shared.up()).isFalse();
                assertThat(during).containsExactly(true, true, true, false, false);

                relay.restore();
                awaitTrue("Redis answers again", shared::up);
                assertThat(limits.reserve(d, 1).granted()).as("back on the shared bucket, still empty").isFalse();
            }
            List<String> warnings = log.messages(Level.WARNING);
            assertThat(warnings).hasSize(2);
            assertThat(warnings.get(0)).startsWith("Redis at switchboard.redis.url (redis://****@127.0.0.1:")
                    .contains("is not answering").doesNotContain("pw-not-needed");
            assertThat(warnings.get(1)).contains("answers again");
        }
    }

    /** A cool-down one replica set while its Redis link was cut reaches the other replica once the link is back. */
    @Test
    void aCoolDownSetDuringAnOutageReachesTheOtherReplicaWhenRedisAnswersAgain() {
        Deployment d = deployment("gpt#0", OptionalInt.empty(), OptionalInt.empty());
        ReliabilitySettings settings = ReliabilitySettings.defaults(); // 3 failures open the circuit for 5 s
        try (TcpRelay relay = TcpRelay.to("127.0.0.1", 6379)) {
            SharedState cutOff = replica("redis://127.0.0.1:" + relay.port() + "/0", List.of(d));
            DeploymentHealth a = new DeploymentHealth(settings, List.of(d), Ticker.SYSTEM, Optional.of(cutOff));
            DeploymentHealth b = new DeploymentHealth(settings, List.of(d), Ticker.SYSTEM, Optional.of(replica(REDIS, List.of(d))));

            relay.cut();
            awaitTrue("the cut replica notices", () -> !cutOff.up());
            for (int i = 0; i < 3; i++) {
                DeploymentHealth.Call call = a.admit(d.id());
                call.failed(new GatewayException.UpstreamError("upstream said 500", 500, Duration.ZERO));
                call.release();
            }
            assertThat(a.status(d.id()).state()).isEqualTo(DeploymentHealth.State.OPEN);
            assertThat(b.status(d.id()).state()).as("not told while cut off").isEqualTo(DeploymentHealth.State.CLOSED);

            relay.restore();
            awaitTrue("the other replica sees the cool-down", () -> b.status(d.id()).state() == DeploymentHealth.State.OPEN);
            assertThat(b.blockedFor(d.id())).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5));
        }
    }

    /**
     * Two replicas count each other through Redis; one cut off from it enforces its share of the rpm (half of 4) instead
     * of the whole limit, and its share grows back once it is alone.
     */
    @Test
    void duringAnOutageEachReplicaEnforcesItsShareOfTheLimits() {
        Deployment d = deployment("gpt#0", OptionalInt.of(4), OptionalInt.of(1000));
        try (TcpRelay relay = TcpRelay.to("127.0.0.1", 6379)) {
            SharedState cutOff = replica("redis://127.0.0.1:" + relay.port() + "/0", List.of(d));
            SharedState other = replica(REDIS, List.of(d));
            DeploymentLimits limits = limits(d, cutOff);
            awaitTrue("both replicas count two", () -> cutOff.replicas() == 2 && other.replicas() == 2);

            relay.cut();
            awaitTrue("the cut replica notices", () -> !cutOff.up());
            List<Boolean> during = new ArrayList<>();
            for (int i = 0; i < 4; i++) during.add(limits.reserve(d, 10).granted());
            assertThat(during).as("half of rpm 4").containsExactly(true, true, false, false);
            assertThat(limits.hasHeadroom(d, 1)).isFalse();
            assertThat(limits.reserve(d, 900).retryAfter()).as("still the rpm's refill, not the minute").isPositive()
                    .isLessThanOrEqualTo(Duration.ofSeconds(30));

            other.close();
            relay.restore();
            awaitTrue("alone again", () -> cutOff.up() && cutOff.replicas() == 1);
        }
    }

    /** A Redis that stops answering without closing anything: the request does not wait for it beyond the timeout. */
    @Test
    void aSilentRedisHoldsNoRequestBeyondTheTimeoutAndIsThenLeftAlone() {
        Deployment d = deployment("gpt#0", OptionalInt.of(2), OptionalInt.empty());
        try (TcpRelay relay = TcpRelay.to("127.0.0.1", 6379)) {
            SharedState shared = replica("redis://127.0.0.1:" + relay.port() + "/0", List.of(d));
            DeploymentLimits limits = limits(d, shared);
            assertThat(limits.reserve(d, 1).granted()).isTrue();
            assertThat(limits.reserve(d, 1).granted()).isTrue();

            relay.stall();
            // Would hang here if a request waited for Redis; the bound only catches that, it times nothing.
            List<Boolean> during = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                List<Boolean> granted = new ArrayList<>();
                for (int i = 0; i < 3; i++) granted.add(limits.reserve(d, 1).granted());
                return granted;
            });
            assertThat(during).as("the process's own bucket of 2").containsExactly(true, true, false);
            awaitTrue("the sync finds Redis silent", () -> !shared.up());

            relay.resume();
            awaitTrue("Redis answers again", shared::up);
            assertThat(limits.reserve(d, 1).granted()).as("back on the shared bucket, used up").isFalse();
        }
    }

    @Test
    void aRedisThatDoesNotAnswerAtStartRefusesNamingTheKeyWithoutThePassword() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "redis://:hunter2@127.0.0.1:" + closedPort + "/0";
        assertThatThrownBy(() -> RedisSharedStore.connect(settings(url)))
                .isInstanceOf(SharedStoreUnavailableException.class)
                .hasMessageStartingWith("cannot reach Redis at switchboard.redis.url (redis://****@127.0.0.1:" + closedPort + "/0): ")
                .hasMessageNotContaining("hunter2");
    }

    private static void awaitTrue(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
