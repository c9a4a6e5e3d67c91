package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayExceptionTest {

    private static GatewayException.RateLimited limited(Duration wait) {
        return new GatewayException.RateLimited("limited", wait);
    }

    /** A client that came back a fraction of a second early would be refused again. */
    @Test
    void retryAfterSecondsAreTheWaitRoundedUpToWholeSeconds() {
        assertThat(limited(Duration.ofSeconds(6)).retryAfterSeconds()).hasValue(6);
        assertThat(limited(Duration.ofSeconds(6).plusNanos(1)).retryAfterSeconds()).hasValue(7);
        assertThat(limited(Duration.ofMillis(27_600)).retryAfterSeconds()).hasValue(28);
    }

    @Test
    void retryAfterSecondsAreAtLeastOne() {
        assertThat(limited(Duration.ZERO).retryAfterSeconds()).hasValue(1);
        assertThat(limited(Duration.ofNanos(300)).retryAfterSeconds()).hasValue(1);
    }

    @Test
    void noWaitMeansNoRetryAfter() {
        assertThat(limited(null).retryAfterSeconds()).isEmpty();
    }
}
