package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.DefaultConfig;
import dev.switchboard.core.routing.CandidateScore.Status;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UtilityRouterTest {
    private final UtilityRouter router = UtilityRouter.create(DefaultConfig.load(k -> null, Set.of("simulated")),
            new TokenCounter());

    @Test
    void saysWhichTaskTypesAModelThatCannotTakeTheTaskDeclares() {
        RoutingDecision decision = router.decide("Review this diff for security issues", 20, OptionalInt.empty());

        assertThat(decision.task().type()).isEqualTo(TaskClassifier.CODE_REVIEW);
        assertThat(decision.candidates()).filteredOn(c -> c.status() == Status.NOT_CAPABLE)
                .extracting(CandidateScore::reason)
                .containsExactly("not declared capable of code_review (task types: documentation, qa_simple, summarisation)",
                        "not declared capable of code_review (task types: code_generation, documentation, qa_simple, "
                                + "reasoning, summarisation)");
    }

    @Test
    void aMaxTokensNoCapableModelCanWriteIsABadMaxTokensNotAContextWindowError() {
        RoutingDecision decision = router.decide("What is the capital of France?", 12, OptionalInt.of(10_000_000));

        assertThatThrownBy(() -> router.plan(decision)).isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> {
            assertThat(e.param()).contains("max_tokens");
            assertThat(e.getMessage()).startsWith("max_tokens is more than any model able to do a qa_simple task can write")
                    .contains("exceeds its output limit");
        });

        RoutingDecision huge = router.decide("What is the capital of France?", 50_000_000, OptionalInt.empty());
        assertThatThrownBy(() -> router.plan(huge)).isInstanceOf(GatewayException.ContextWindowExceeded.class);
    }
}
