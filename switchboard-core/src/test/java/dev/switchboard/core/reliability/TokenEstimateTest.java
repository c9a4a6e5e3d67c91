package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.chat;
import static dev.switchboard.core.reliability.Fixtures.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.Exchange;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenEstimateTest {
    private static final TokenCounter TOKENS = new TokenCounter();

    @ParameterizedTest
    @ValueSource(strings = {"Hello, world!", "def f(x):\n    return x ** 2  # square\n", "数据库连接池配置错误，请检查。",
            "🙂🚀🧪🦜 emoji run 🧑‍🧑‍🧒‍🧒", "a", "0123456789 0x1F 3.14159 -42e7", "ÄÖÜ ß ñ ç ø å ł ğ ş ı ə"})
    void theCheapBoundIsNeverBelowTheRealCount(String text) {
        ChatRequest request = chat("gpt", text.repeat(20)).toBuilder().maxTokens(100).build();

        long counted = TOKENS.countPrompt(request) + 100L;

        assertThat(TokenEstimate.upperBound(request)).isGreaterThanOrEqualTo(counted);
    }

    @Test
    void theCountIsMadeOncePerExchangeAndIncludesTheRequestedOutput() {
        ManualTicker ticker = new ManualTicker();
        Exchange exchange = exchange(chat("gpt", "count me").toBuilder().maxTokens(50).build(), ticker, Duration.ofSeconds(1));

        TokenEstimate first = TokenEstimate.of(exchange, TOKENS);

        assertThat(first.maxOutput()).isEqualTo(50);
        assertThat(first.total()).isEqualTo(first.prompt() + 50L);
        assertThat(TokenEstimate.of(exchange.withTarget(Fixtures.deployment("a", "gpt")), TOKENS)).isSameAs(first);
        assertThat(first.prompt()).isPositive();
    }
}
