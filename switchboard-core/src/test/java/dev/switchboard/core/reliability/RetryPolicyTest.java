package dev.switchboard.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ReliabilitySettings;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(new ReliabilitySettings.Retries(3, 0, 2, 1),
            Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(20));

    @Test
    void backoffCeilingDoublesFromTheBaseUpToTheMaximum() {
        assertThat(policy.ceiling(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.ceiling(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.ceiling(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.ceiling(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.ceiling(200)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void fullJitterStaysWithinZeroAndTheCeilingAndSpreadsOverIt() {
        SplittableRandom random = new SplittableRandom(7);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 10_000; i++) {
            long nanos = policy.delay(2, Optional.empty(), random.nextDouble()).orElseThrow().toNanos();
            assertThat(nanos).isBetween(0L, Duration.ofMillis(400).toNanos() - 1);
            min = Math.min(min, nanos);
            max = Math.max(max, nanos);
        }
        assertThat(min).isLessThan(Duration.ofMillis(20).toNanos());
        assertThat(max).isGreaterThan(Duration.ofMillis(380).toNanos());
    }

    @Test
    void anUpstreamRetryAfterReplacesTheComputedBackoff() {
        assertThat(policy.delay(0, Optional.of(Duration.ofSeconds(3)), 0.5)).contains(Duration.ofSeconds(3));
    }

    @Test
    void aRetryAfterLongerThanTheCapIsNotWaitedFor() {
        assertThat(policy.delay(0, Optional.of(Duration.ofSeconds(21)), 0.5)).isEmpty();
    }

    @Test
    void eachErrorClassHasItsOwnCount() {
        assertThat(policy.allowed(ErrorClass.RATE_LIMIT)).isEqualTo(3);
        assertThat(policy.allowed(ErrorClass.TIMEOUT)).isZero();
        assertThat(policy.allowed(ErrorClass.SERVER_ERROR)).isEqualTo(2);
        assertThat(policy.allowed(ErrorClass.CONNECTION)).isEqualTo(1);
    }
}
