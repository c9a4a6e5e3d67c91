package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.spi.WireHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenAiErrorsTest {
    @Test
    void readsGoStyleDurations() {
        assertThat(OpenAiErrors.goDuration("12ms")).contains(Duration.ofMillis(12));
        assertThat(OpenAiErrors.goDuration("1.496s")).contains(Duration.ofMillis(1496));
        assertThat(OpenAiErrors.goDuration("6m0s")).contains(Duration.ofMinutes(6));
        assertThat(OpenAiErrors.goDuration("1h2m3.5s")).contains(Duration.ofMillis(3_723_500));
        assertThat(OpenAiErrors.goDuration("7")).contains(Duration.ofSeconds(7));
        assertThat(OpenAiErrors.goDuration("soon")).isEmpty();
        assertThat(OpenAiErrors.goDuration("5s later")).isEmpty();
    }

    @Test
    void retryAfterAsAnHttpDateIsMeasuredFromTheTicker() {
        // FIXED_TIME is 2025-08-12T15:20:00Z
        WireHeaders headers = WireHeaders.of("Retry-After", "Tue, 12 Aug 2025 15:20:30 GMT");

        assertThat(OpenAiErrors.retryAfter(headers, OpenAiFixtures.FIXED_TIME)).contains(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterInThePastMeansNoWait() {
        WireHeaders headers = WireHeaders.of("Retry-After", "Tue, 12 Aug 2025 15:00:00 GMT");

        assertThat(OpenAiErrors.retryAfter(headers, OpenAiFixtures.FIXED_TIME)).contains(Duration.ZERO);
    }

    @Test
    void withoutAnyHintThereIsNoRetryAfter() {
        assertThat(OpenAiErrors.retryAfter(WireHeaders.EMPTY, OpenAiFixtures.FIXED_TIME)).isEmpty();
    }

    @Test
    void errorAsAPlainStringIsRead() {
        byte[] body = "{\"error\":\"model 'llama9' not found\"}".getBytes(StandardCharsets.UTF_8);

        GatewayException e = OpenAiErrors.map(404, WireHeaders.EMPTY, body, OpenAiFixtures.FIXED_TIME);

        assertThat(e).isInstanceOf(GatewayException.NotFound.class).hasMessage("model 'llama9' not found");
    }

    @Test
    void anEmptyBodyStillNamesTheStatus() {
        GatewayException e = OpenAiErrors.map(500, WireHeaders.EMPTY, new byte[0], OpenAiFixtures.FIXED_TIME);

        assertThat(e).isInstanceOf(GatewayException.UpstreamError.class).hasMessageContaining("HTTP 500");
    }

    @Test
    void keysInUpstreamMessagesAreMasked() {
        byte[] body = "{\"error\":{\"message\":\"bad key sk-abc123def456\"}}".getBytes(StandardCharsets.UTF_8);

        GatewayException e = OpenAiErrors.map(400, WireHeaders.EMPTY, body, OpenAiFixtures.FIXED_TIME);

        assertThat(e.getMessage()).isEqualTo("bad key ****");
    }

    @Test
    void aServerErrorMentioningThePolicyIsStillAServerError() {
        byte[] body = "{\"error\":{\"message\":\"content policy service unavailable\",\"type\":\"server_error\"}}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(OpenAiErrors.map(500, WireHeaders.EMPTY, body, OpenAiFixtures.FIXED_TIME))
                .isInstanceOf(GatewayException.UpstreamError.class);
        assertThat(OpenAiErrors.map(403, WireHeaders.EMPTY, body, OpenAiFixtures.FIXED_TIME))
                .isInstanceOf(GatewayException.ContentFiltered.class);
    }
}
