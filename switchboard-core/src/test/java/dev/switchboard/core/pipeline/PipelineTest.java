package dev.switchboard.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PipelineTest {
    private static Exchange exchange() {
        return Exchange.of("r1", ChatRequest.builder("m").message(Message.user("hi")).build(), Credentials.IN_PROCESS, 0, 1);
    }

    private static ChatResponse answer(String text) {
        return new ChatResponse("id", 0, "m", List.of(new dev.switchboard.core.model.Choice(0, Message.assistant(text),
                Optional.empty(), Optional.empty())), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void runsStagesInOrderAndLetsAStageAnswer() {
        List<String> seen = new ArrayList<>();
        Pipeline p = new Pipeline(List.of(
                (e, next) -> { seen.add("outer"); return next.proceed(e); },
                (e, next) -> { seen.add("inner"); return new Reply.Complete(answer("hello")); },
                (e, next) -> { seen.add("never"); return null; }));
        Reply r = p.run(exchange());
        assertThat(seen).containsExactly("outer", "inner");
        assertThat(((Reply.Complete) r).response().text()).isEqualTo("hello");
    }

    @Test
    void aTerminalStageThatCallsProceedIsABug() {
        Pipeline p = new Pipeline(List.of((e, next) -> next.proceed(e)));
        assertThatThrownBy(() -> p.run(exchange())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void copiesShareOneContext() {
        Exchange e = exchange();
        e.withPrincipal(Principal.MASTER).context().header("x-a", "1");
        assertThat(e.context().responseHeaders()).containsEntry("x-a", "1");
        assertThat(e.child("r1.0", e.request()).context()).isNotSameAs(e.context());
    }

    @Test
    void streamEndHookRunsOnceWhetherEndedOrClosed() {
        List<Throwable> ends = new ArrayList<>();
        ChatStream s = ChatStream.of(List.of()).onEnd(ends::add);
        assertThat(s.next()).isEmpty();
        s.close();
        assertThat(ends).hasSize(1).containsOnlyNulls();
    }
}
