package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

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
}
