package dev.switchboard.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestOptionsTest {
    private static ChatRequest body(String extra) {
        return OpenAiCodec.parseChatRequest(Json.parseBody(
                ("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}").getBytes()));
    }

    @Test
    void readsLiteLlmStyleFallbacksAsNamesOrModelObjects() {
        RequestOptions o = RequestOptions.read(body(",\"fallbacks\":[\"claude\",{\"model\":\"gemma\"}]"));

        assertThat(o.fallbacks()).containsExactly("claude", "gemma");
        assertThat(o.timeout()).isEmpty();
    }

    @Test
    void readsATimeoutInSecondsOrWithAUnit() {
        assertThat(RequestOptions.read(body(",\"timeout\":1.5")).timeout()).contains(Duration.ofMillis(1500));
        assertThat(RequestOptions.read(body(",\"timeout\":\"250ms\"")).timeout()).contains(Duration.ofMillis(250));
        assertThat(RequestOptions.parseTimeout("2m", RequestOptions.TIMEOUT_HEADER)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void rejectsMalformedValuesNamingTheField() {
        assertThatThrownBy(() -> RequestOptions.read(body(",\"fallbacks\":\"claude\"")))
                .isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> assertThat(e.param()).contains("fallbacks"));
        assertThatThrownBy(() -> RequestOptions.read(body(",\"timeout\":0")))
                .isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> assertThat(e.param()).contains("timeout"));
        assertThatThrownBy(() -> RequestOptions.parseTimeout("soon", RequestOptions.TIMEOUT_HEADER))
                .isInstanceOfSatisfying(GatewayException.BadRequest.class,
                        e -> assertThat(e.param()).contains("x-switchboard-timeout"));
    }

    @Test
    void stripRemovesOnlyTheGatewaysFieldsAndLeavesTheClientsBodyUntouched() {
        ChatRequest original = body(",\"fallbacks\":[\"claude\"],\"timeout\":3,\"logit_bias\":{\"50256\":-100}");

        ChatRequest stripped = RequestOptions.strip(original);

        assertThat(stripped.openAiBody().orElseThrow().fieldNames()).toIterable()
                .containsExactly("model", "messages", "logit_bias");
        assertThat(original.openAiBody().orElseThrow().has("fallbacks")).isTrue();
        ChatRequest plain = body("");
        assertThat(RequestOptions.strip(plain)).isSameAs(plain);
    }

    @Test
    void shortenNeverMovesTheDeadlineLater() {
        Exchange e = Exchange.of("r", body(""), dev.switchboard.core.pipeline.Credentials.IN_PROCESS, 1_000, 1_000 + 10_000_000_000L);

        assertThat(RequestOptions.shorten(e, Duration.ofSeconds(2)).deadlineNanos()).isEqualTo(1_000 + 2_000_000_000L);
        assertThat(RequestOptions.shorten(e, Duration.ofSeconds(20))).isSameAs(e);
        assertThat(List.of(RequestOptions.TIMEOUT_HEADER)).containsExactly("x-switchboard-timeout");
    }

    /** A per-request timeout only shortens: one past what nanoseconds hold leaves the deadline alone, no overflow. */
    @Test
    void aHugeTimeoutLeavesTheDeadlineAsItIs() {
        Exchange e = Exchange.of("r", body(""), dev.switchboard.core.pipeline.Credentials.IN_PROCESS, 1_000, 1_000 + 10_000_000_000L);

        for (Duration huge : List.of(RequestOptions.parseTimeout("99999999999s", RequestOptions.TIMEOUT_HEADER),
                RequestOptions.parseTimeout("9".repeat(400), RequestOptions.TIMEOUT_HEADER),
                RequestOptions.read(body(",\"timeout\":99999999999")).timeout().orElseThrow(),
                RequestOptions.read(body(",\"timeout\":1e300")).timeout().orElseThrow())) {
            assertThat(RequestOptions.shorten(e, huge)).as(huge.toString()).isSameAs(e);
        }
        assertThatThrownBy(() -> RequestOptions.read(body(",\"timeout\":-1e300")))
                .isInstanceOfSatisfying(GatewayException.BadRequest.class, x -> assertThat(x.param()).contains("timeout"));
    }
}
