package dev.switchboard.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.spi.WireHeaders;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final long NOW = Instant.parse("2026-11-23T09:00:00Z").toEpochMilli();

    @Test
    void retryAfterMillisecondsWinOverSeconds() {
        assertThat(RetryAfter.from(WireHeaders.of("retry-after-ms", "1500.5", "Retry-After", "9"), NOW))
                .contains(Duration.ofNanos(1_500_500_000));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(RetryAfter.from(WireHeaders.of("Retry-After", "20"), NOW)).contains(Duration.ofSeconds(20));
        assertThat(RetryAfter.from(WireHeaders.of("retry-after", "Mon, 23 Nov 2026 09:00:07 GMT"), NOW))
                .contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.from(WireHeaders.of("retry-after", "Mon, 23 Nov 2026 08:59:00 GMT"), NOW))
                .contains(Duration.ZERO);
    }

    @Test
    void openAiResetHeadersCountOnlyForABudgetThatIsUsedUp() {
        WireHeaders tokensGone = WireHeaders.of("x-ratelimit-remaining-requests", "59", "x-ratelimit-reset-requests", "1s",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s");

        assertThat(RetryAfter.from(tokensGone, NOW)).contains(Duration.ofMinutes(6));
        assertThat(RetryAfter.from(WireHeaders.of("x-ratelimit-remaining-requests", "3", "x-ratelimit-reset-requests", "1s"), NOW))
                .isEmpty();
    }

    @Test
    void anthropicResetTimesTakeTheLatestUsedUpBudget() {
        WireHeaders both = WireHeaders.of(
                "anthropic-ratelimit-requests-remaining", "0", "anthropic-ratelimit-requests-reset", "2026-11-23T09:00:05Z",
                "anthropic-ratelimit-input-tokens-remaining", "0", "anthropic-ratelimit-input-tokens-reset", "2026-11-23T09:00:30Z",
                "anthropic-ratelimit-output-tokens-remaining", "800", "anthropic-ratelimit-output-tokens-reset", "2026-11-23T09:01:00Z");

        assertThat(RetryAfter.from(both, NOW)).contains(Duration.ofSeconds(30));
    }

    @Test
    void goDurationsAsOpenAiWritesThem() {
        assertThat(RetryAfter.goDuration("20ms")).contains(Duration.ofMillis(20));
        assertThat(RetryAfter.goDuration("1h2m3.5s")).contains(Duration.ofMillis(3_723_500));
        assertThat(RetryAfter.goDuration("6m0s")).contains(Duration.ofMinutes(6));
        assertThat(RetryAfter.goDuration("soon")).isEmpty();
        assertThat(RetryAfter.goDuration("5 s")).isEmpty();
    }

    @Test
    void unusableHeadersSayNothing() {
        assertThat(RetryAfter.from(WireHeaders.of("retry-after", "whenever"), NOW)).isEmpty();
        assertThat(RetryAfter.from(WireHeaders.EMPTY, NOW)).isEmpty();
    }
}
