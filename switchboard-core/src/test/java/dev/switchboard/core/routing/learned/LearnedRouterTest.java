package dev.switchboard.core.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LearnedRouterTest {
    private static final ConfigLoader LOADER = new ConfigLoader(k -> null, Set.of("simulated"));
    private static final Map<String, List<Deployment>> GROUPS = LOADER
            .parse("""
                    model_list:
                      - model_name: strong
                        litellm_params: {model: simulated/strong}
                      - model_name: weak
                        litellm_params: {model: simulated/weak}
                    """, "test").modelGroups();
    private static final LearnedRouterModel MODEL = LearnedRouterModel.bundled();

    private static LearnedRouterConfig config(String yaml) {
        return LearnedRouterConfig.parse(LOADER.read(yaml, "router"));
    }

    private static Exchange chat(String model, String text) {
        return Exchange.of("r", ChatRequest.builder(model).message(Message.user(text)).build(), Credentials.IN_PROCESS, 0,
                Long.MAX_VALUE);
    }

    private static final List<String> PROMPTS = List.of("What is 2 + 2?", "Name a primary colour.",
            "Janet has 3 apples and buys 5 more boxes of 12. She gives away a third. How many are left?",
            "Which amendment protects against unreasonable searches?\nA. First\nB. Second\nC. Fourth\nD. Fifth\nAnswer:",
            "Prove that there are infinitely many primes.", "Translate 'good morning' into French.");

    @Test
    void promptsAtOrAboveTheThresholdGoToTheStrongModel() {
        double middle = PROMPTS.stream().mapToDouble(MODEL::score).sorted().toArray()[PROMPTS.size() / 2];
        LearnedRouter router = new LearnedRouter(config("""
                model: auto
                strong-model: strong
                weak-model: weak
                threshold: %s
                """.formatted(middle)), MODEL, GROUPS);
        for (String p : PROMPTS) {
            RoutePlan plan = router.route(chat("auto", p)).orElseThrow();
            String expected = MODEL.score(p) >= middle ? "strong" : "weak";
            assertThat(plan.candidates().getFirst().modelName()).as(p).isEqualTo(expected);
            assertThat(plan.router()).isEqualTo("learned");
            assertThat(plan.rationale()).contains("threshold").contains(expected);
            boolean strong = MODEL.score(p) >= middle;
            assertThat(plan.rationale()).isEqualTo(String.format(java.util.Locale.ROOT,
                    "score %.3f %s threshold %.3f → %s model '%s'", MODEL.score(p), strong ? "≥" : "<", middle,
                    expected, expected));
        }
    }

    @Test
    void aStrongShareIsCalibratedIntoAThreshold() {
        LearnedRouter router = new LearnedRouter(config("""
                model: auto
                strong-model: strong
                weak-model: weak
                strong-pct: 0.3
                """), MODEL, GROUPS);
        assertThat(router.threshold()).isEqualTo(Calibration.threshold(MODEL.calibrationScores(), 0.3));
        LearnedRouter more = new LearnedRouter(config("""
                model: auto
                strong-model: strong
                weak-model: weak
                strong-pct: 0.6
                """), MODEL, GROUPS);
        assertThat(more.threshold()).isLessThan(router.threshold());
    }

    @Test
    void otherModelsAndEmbeddingsFallThrough() {
        LearnedRouter router = new LearnedRouter(config("model: auto\nstrong-model: strong\nweak-model: weak\n"), MODEL,
                GROUPS);
        assertThat(router.route(chat("strong", "hello"))).isEmpty();
        Exchange embedding = Exchange.of("r", EmbeddingRequest.of("auto", List.of("x")), Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
        assertThat(router.route(embedding)).isEmpty();
    }

    @Test
    void unknownModelGroupsAndConflictingKeysAreConfigErrors() {
        assertThatThrownBy(() -> new LearnedRouter(config("model: auto\nstrong-model: nope\nweak-model: weak\n"), MODEL,
                GROUPS)).isInstanceOf(ConfigException.class).hasMessageContaining("strong-model");
        assertThatThrownBy(() -> config("model: auto\nstrong-model: strong\nweak-model: weak\nthreshold: 0.2\nstrong-pct: 0.3\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("router.threshold");
        assertThatThrownBy(() -> config("model: auto\nstrong-model: strong\nweak-model: weak\nstrong-pct: 1.5\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("router.strong-pct");
    }
}
