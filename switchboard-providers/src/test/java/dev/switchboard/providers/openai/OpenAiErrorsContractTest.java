package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.spi.WireHeaders;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenAiErrorsContractTest {
    private final OpenAiAdapter adapter = new OpenAiAdapter(OpenAiFixtures.FIXED_TIME);

    private GatewayException map(int status, String fixture, String... headers) {
        return adapter.mapError(status, WireHeaders.of(headers), OpenAiFixtures.bytes("errors/" + fixture));
    }

    @Test
    void contextLengthExceededIsItsOwnType() {
        GatewayException e = map(400, "400-context-length.json");

        assertThat(e).isInstanceOf(GatewayException.ContextWindowExceeded.class)
                .hasMessageContaining("maximum context length is 128000 tokens");
        assertThat(e.code()).contains("context_length_exceeded");
    }

    @Test
    void contextLengthFromACompatibleServerIsRecognisedByItsMessage() {
        assertThat(map(400, "400-context-length-compatible.json")).isInstanceOf(GatewayException.ContextWindowExceeded.class);
    }

    @Test
    void contentFilterIsItsOwnType() {
        assertThat(map(400, "400-content-filter.json")).isInstanceOf(GatewayException.ContentFiltered.class)
                .hasMessageContaining("content management policy");
    }

    @Test
    void otherBadRequestsCarryTheUpstreamMessageParamAndCode() {
        GatewayException e = map(400, "400-invalid-value.json");

        assertThat(e).isInstanceOf(GatewayException.BadRequest.class)
                .hasMessage("Invalid value for 'temperature': expected a value between 0 and 2, but got 3.5.");
        assertThat(e.param()).contains("temperature");
        assertThat(e.code()).contains("invalid_value");
        assertThat(e.status()).isEqualTo(400);
    }

    @Test
    void otherClientErrorsAreBadRequests() {
        assertThat(map(422, "422-unprocessable.json")).isInstanceOf(GatewayException.BadRequest.class)
                .hasMessageContaining("functionz");
    }

    @Test
    void unprocessableKeepsItsStatusSoSdksRaiseTheSameError() {
        GatewayException e = map(422, "422-unprocessable.json");

        assertThat(e.status()).isEqualTo(422);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(map(418, "422-unprocessable.json").status()).isEqualTo(400);
    }

    @Test
    void rejectedKeyIsAnAuthenticationFailureThatDoesNotEchoTheKey() {
        GatewayException e = map(401, "401-invalid-key.json");

        assertThat(e).isInstanceOf(GatewayException.AuthenticationFailed.class);
        assertThat(e.getMessage()).doesNotContain("sk-proj").contains("Incorrect API key provided");
    }

    @Test
    void forbiddenIsPermissionDenied() {
        assertThat(map(403, "403-region.json")).isInstanceOf(GatewayException.PermissionDenied.class)
                .hasMessage("Country, region, or territory not supported");
    }

    @Test
    void unknownModelIsNotFound() {
        GatewayException e = map(404, "404-model.json");

        assertThat(e).isInstanceOf(GatewayException.NotFound.class);
        assertThat(e.code()).contains("model_not_found");
    }

    @Test
    void rateLimitCarriesTheMillisecondRetryHint() {
        GatewayException e = map(429, "429-rate-limit.json", "retry-after-ms", "1496", "retry-after", "2");

        assertThat(e).isInstanceOf(GatewayException.RateLimited.class);
        assertThat(((GatewayException.RateLimited) e).retryAfter()).contains(Duration.ofMillis(1496));
    }

    @Test
    void rateLimitFallsBackToRetryAfterSeconds() {
        GatewayException e = map(429, "429-rate-limit.json", "retry-after", "20");

        assertThat(((GatewayException.RateLimited) e).retryAfter()).contains(Duration.ofSeconds(20));
    }

    @Test
    void rateLimitUsesTheResetOfTheExhaustedLimit() {
        GatewayException e = map(429, "429-rate-limit.json", "x-ratelimit-remaining-requests", "4999",
                "x-ratelimit-reset-requests", "12ms", "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s");

        assertThat(((GatewayException.RateLimited) e).retryAfter()).contains(Duration.ofMinutes(6));
    }

    @Test
    void exhaustedQuotaIsARateLimitWithoutAHint() {
        GatewayException e = map(429, "429-quota.json");

        assertThat(e).isInstanceOf(GatewayException.RateLimited.class).hasMessageContaining("exceeded your current quota");
        assertThat(((GatewayException.RateLimited) e).retryAfter()).isEmpty();
    }

    @Test
    void serverErrorIsARetryableUpstreamError() {
        GatewayException e = map(500, "500-server.json");

        assertThat(e).isInstanceOf(GatewayException.UpstreamError.class);
        assertThat(((GatewayException.UpstreamError) e).upstreamStatus()).isEqualTo(500);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void anHtmlErrorPageFromAProxyIsAnUpstreamError() {
        GatewayException e = map(502, "502-html.txt");

        assertThat(e).isInstanceOf(GatewayException.UpstreamError.class).hasMessageContaining("502 Bad Gateway");
    }

    @Test
    void timeoutAndConflictAnswersAreRetryableUpstreamErrors() {
        assertThat(map(408, "500-server.json")).isInstanceOf(GatewayException.UpstreamError.class);
        assertThat(map(409, "500-server.json")).isInstanceOf(GatewayException.UpstreamError.class);
    }

    @Test
    void unavailableAndOverloadedAreOverloaded() {
        GatewayException e = map(503, "503-overloaded.json", "retry-after", "3");

        assertThat(e).isInstanceOf(GatewayException.Overloaded.class).hasMessageContaining("currently overloaded");
        assertThat(((GatewayException.Overloaded) e).retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(map(529, "503-overloaded.json")).isInstanceOf(GatewayException.Overloaded.class);
    }
}
