package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.Prices;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DeploymentLimitsTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Deployment rpm = deployment("rpm", "gpt", 128_000, OptionalInt.of(2), OptionalInt.empty(), 1, Prices.FREE);
    private final Deployment tpm = deployment("tpm", "gpt", 128_000, OptionalInt.empty(), OptionalInt.of(1_000), 1, Prices.FREE);
    private final Deployment free = deployment("free", "gpt");
    private final DeploymentLimits limits = new DeploymentLimits(List.of(rpm, tpm, free), ticker);

    @Test
    void requestsPerMinuteRefillGraduallyOverTheMinute() {
        assertThat(limits.reserve(rpm, 0).granted()).isTrue();
        assertThat(limits.reserve(rpm, 0).granted()).isTrue();

        DeploymentLimits.Reservation third = limits.reserve(rpm, 0);
        assertThat(third.granted()).isFalse();
        assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(30));

        ticker.advance(Duration.ofSeconds(30));
        assertThat(limits.reserve(rpm, 0).granted()).isTrue();
    }

    @Test
    void theWaitIsTheRefillStillNeededNotTheWholeMinute() {
        limits.reserve(rpm, 0);
        limits.reserve(rpm, 0);
        ticker.advance(Duration.ofSeconds(12));

        assertThat(limits.reserve(rpm, 0).retryAfter()).isEqualTo(Duration.ofSeconds(18));
    }

    /** A retry after the RPM refill alone would be refused again while the tokens it needs are not back. */
    @Test
    void whenBothBudgetsAreSpentTheWaitIsTheLongerRefill() {
        Deployment both = deployment("both", "gpt", 128_000, OptionalInt.of(60), OptionalInt.of(1_000), 1, Prices.FREE);
        DeploymentLimits limits = new DeploymentLimits(List.of(both), ticker);
        for (int i = 0; i < 60; i++) assertThat(limits.reserve(both, 16).granted()).isTrue();

        DeploymentLimits.Reservation refused = limits.reserve(both, 500);

        assertThat(refused.granted()).isFalse();
        // One request is back in 1 s; 500 tokens with 40 left take (500 - 40) / 1000 of a minute = 27.6 s.
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(27_600));
        ticker.advance(refused.retryAfter());
        assertThat(limits.reserve(both, 500).granted()).isTrue();
    }

    @Test
    void tokensPerMinuteAreReservedFromTheEstimateAndSettledWithTheRealCount() {
        assertThat(limits.reserve(tpm, 600).granted()).isTrue();
        assertThat(limits.hasHeadroom(tpm, 500)).isFalse();

        limits.settle(tpm, 600, 200);

        assertThat(limits.hasHeadroom(tpm, 500)).isTrue();
        assertThat(limits.tokensLastMinute(tpm)).isEqualTo(200);
        assertThat(limits.reserve(tpm, 500).granted()).isTrue();
        assertThat(limits.reserve(tpm, 400).granted()).isFalse();
    }

    @Test
    void aRequestLargerThanTheWholeBudgetCanStillRunAlone() {
        assertThat(limits.reserve(tpm, 5_000).granted()).isTrue();
        assertThat(limits.reserve(tpm, 1).granted()).isFalse();
    }

    @Test
    void deploymentsWithoutLimitsAreNeverHeldBackButTheirUsageIsTracked() {
        for (int i = 0; i < 1_000; i++) assertThat(limits.reserve(free, 100).granted()).isTrue();

        assertThat(limits.tokensLastMinute(free)).isEqualTo(100_000);
        ticker.advance(Duration.ofSeconds(30));
        limits.reserve(free, 7);
        ticker.advance(Duration.ofSeconds(31));
        assertThat(limits.tokensLastMinute(free)).isEqualTo(7);
    }
}
