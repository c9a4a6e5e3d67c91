package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.TokenCounter;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class EchoAnswerTest {
    private static final TokenCounter TOKENS = new TokenCounter();

    @Test
    void cutsBeforeTheEarliestStopSequenceAndNamesIt() {
        EchoAnswer a = EchoAnswer.of("echo: one END two STOP three", List.of("STOP", "END"), OptionalInt.empty(), TOKENS);

        assertThat(a.text()).isEqualTo("echo: one ");
        assertThat(a.stopSequence()).hasValue("END");
        assertThat(a.cutByLimit()).isFalse();
    }

    @Test
    void keepsOnlyTheWholeWordsThatFitInMaxTokens() {
        EchoAnswer a = EchoAnswer.of("echo: alpha beta gamma delta epsilon", List.of(), OptionalInt.of(4), TOKENS);

        assertThat(a.cutByLimit()).isTrue();
        assertThat(a.stopSequence()).isEmpty();
        assertThat(TOKENS.count(a.text())).isLessThanOrEqualTo(4);
        assertThat("echo: alpha beta gamma delta epsilon").startsWith(a.text());
        assertThat(a.text()).isNotEmpty().isNotEqualTo("echo: alpha beta gamma delta epsilon");
    }

    @Test
    void leavesATextThatFitsAndHasNoStopSequenceWhole() {
        EchoAnswer a = EchoAnswer.of("echo: short", List.of("zzz"), OptionalInt.of(100), TOKENS);

        assertThat(a).isEqualTo(new EchoAnswer("echo: short", java.util.Optional.empty(), false));
        assertThat(String.join("", EchoAnswer.pieces("a b  c"))).isEqualTo("a b  c");
    }
}
