package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.RoutingStrategy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BalancingStrategyTest {
    private final ManualTicker ticker = new ManualTicker();
    private final SplittableRandom random = new SplittableRandom(42);
    private final Deployment a = deployment("a", "gpt");
    private final Deployment b = deployment("b", "gpt");
    private final Deployment c = deployment("c", "gpt");
    private final List<Deployment> group = List.of(a, b, c);
    private final DeploymentHealth health = new DeploymentHealth(new Settings().build(), group, ticker);

    private Map<String, Integer> firstPicks(BalancingStrategy strategy, List<Deployment> deployments, int rounds) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < rounds; i++) counts.merge(strategy.order(deployments, 0).getFirst().id(), 1, Integer::sum);
        return counts;
    }

    @Test
    void simpleShuffleSpreadsFirstPicksByWeightAndKeepsEveryDeploymentAsAFallback() {
        Deployment heavy = deployment("heavy", "gpt", 128_000, OptionalInt.empty(), OptionalInt.empty(), 3, Prices.FREE);
        Deployment light = deployment("light", "gpt", 128_000, OptionalInt.empty(), OptionalInt.empty(), 1, Prices.FREE);
        Deployment off = deployment("off", "gpt", 128_000, OptionalInt.empty(), OptionalInt.empty(), 0, Prices.FREE);
        BalancingStrategy shuffle = new BalancingStrategy.SimpleShuffle(() -> random);

        Map<String, Integer> picks = firstPicks(shuffle, List.of(heavy, light, off), 8_000);

        assertThat(picks.get("heavy") / (double) picks.get("light")).isBetween(2.7, 3.3);
        assertThat(picks).doesNotContainKey("off");
        assertThat(shuffle.order(List.of(heavy, light, off), 0)).hasSize(3).endsWith(off);
    }

    @Test
    void leastBusyPutsTheDeploymentWithFewestCallsInFlightFirst() {
        health.admit("a");
        health.admit("a");
        health.admit("c");
        BalancingStrategy strategy = BalancingStrategy.of(RoutingStrategy.LEAST_BUSY, health, null, 0, () -> random);

        assertThat(strategy.order(group, 0)).containsExactly(b, c, a);
    }

    private void answer(String id, Duration latency) {
        DeploymentHealth.Call call = health.admit(id);
        ticker.advance(latency);
        call.succeeded();
        call.release();
    }

    @Test
    void latencyBasedPrefersTheFastestMeasuredDeploymentAndTriesUnmeasuredOnesFirst() {
        answer("a", Duration.ofMillis(300));
        answer("b", Duration.ofMillis(100));
        BalancingStrategy noExploration = BalancingStrategy.of(RoutingStrategy.LATENCY_BASED, health, null, 0, () -> random);

        assertThat(noExploration.order(group, 0)).containsExactly(c, b, a);

        answer("c", Duration.ofMillis(200));
        assertThat(noExploration.order(group, 0)).containsExactly(b, c, a);
    }

    @Test
    void latencyBasedExploresARandomDeploymentAboutEpsilonOfTheTime() {
        answer("a", Duration.ofMillis(300));
        answer("b", Duration.ofMillis(100));
        answer("c", Duration.ofMillis(200));
        BalancingStrategy strategy = BalancingStrategy.of(RoutingStrategy.LATENCY_BASED, health, null, 0.3, () -> random);

        Map<String, Integer> picks = firstPicks(strategy, group, 10_000);

        // exploitation picks b; exploration (30%) picks each of the three a third of the time
        assertThat(picks.get("b") / 10_000.0).isBetween(0.77, 0.83);
        assertThat(picks.get("a") / 10_000.0).isBetween(0.08, 0.12);
        assertThat(picks.get("c") / 10_000.0).isBetween(0.08, 0.12);
    }

    @Test
    void usageBasedPrefersTheLeastUsedDeploymentAndPutsThoseWithoutHeadroomLast() {
        Deployment capped = deployment("capped", "gpt", 128_000, OptionalInt.empty(), OptionalInt.of(1_000), 1, Prices.FREE);
        List<Deployment> deployments = List.of(a, b, capped);
        DeploymentLimits limits = new DeploymentLimits(deployments, ticker);
        limits.reserve(a, 5_000);
        limits.reserve(b, 2_000);
        limits.reserve(capped, 900);
        BalancingStrategy strategy = BalancingStrategy.of(RoutingStrategy.USAGE_BASED, health, limits, 0, () -> random);

        assertThat(strategy.order(deployments, 50)).containsExactly(capped, b, a);
        assertThat(strategy.order(deployments, 500)).containsExactly(b, a, capped);

        ticker.advance(Duration.ofSeconds(61));
        assertThat(limits.tokensLastMinute(a)).isZero();
    }

    @Test
    void costBasedPutsTheCheapestDeploymentFirst() {
        Deployment cheap = deployment("cheap", "gpt", 128_000, OptionalInt.empty(), OptionalInt.empty(), 1,
                new Prices(0.15, 0.60, 0, 0));
        Deployment mid = deployment("mid", "gpt", 128_000, OptionalInt.empty(), OptionalInt.empty(), 1,
                new Prices(1.0, 2.0, 0, 0));
        Deployment dear = deployment("dear", "gpt", 128_000, OptionalInt.empty(), OptionalInt.empty(), 5,
                new Prices(2.5, 10, 0, 0));
        BalancingStrategy strategy = BalancingStrategy.of(RoutingStrategy.COST_BASED, health, null, 0, () -> random);

        assertThat(strategy.order(List.of(dear, mid, cheap), 0)).containsExactly(cheap, mid, dear);
    }

    @Test
    void tiesAreBrokenByTheWeightedShuffle() {
        RandomGenerator seeded = new SplittableRandom(1);
        BalancingStrategy strategy = BalancingStrategy.of(RoutingStrategy.LEAST_BUSY, health, null, 0, () -> seeded);

        Map<String, Integer> picks = firstPicks(strategy, group, 3_000);

        assertThat(picks.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }
}
