package dev.switchboard.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SemanticRouterTest {
    private static final ConfigLoader LOADER = new ConfigLoader(k -> null, Set.of("simulated"));
    private static final Map<String, List<Deployment>> GROUPS = LOADER
            .parse("""
                    model_list:
                      - model_name: coder
                        litellm_params: {model: simulated/coder}
                      - model_name: support
                        litellm_params: {model: simulated/support}
                      - model_name: writer
                        litellm_params: {model: simulated/writer}
                    """, "test").modelGroups();

    private static final String CONFIG = """
            model: auto
            threshold: 0.45
            routes:
              - name: code
                target: coder
                utterances:
                  - "my python script throws a KeyError, how do I fix it?"
                  - "write a Java function that reverses a linked list"
                  - "why does this SQL query return duplicate rows?"
                  - "my Java program crashes with an exception"
              - name: account
                target: support
                threshold: 0.5
                utterances:
                  - "I forgot my password and cannot log in"
                  - "how do I cancel my subscription?"
                  - "I was charged twice on my credit card"
              - name: creative
                target: writer
                utterances:
                  - "write a short poem about the ocean"
                  - "tell me a bedtime story about a dragon"
                  - "compose song lyrics about summer love"
            """;

    private static MiniLmEmbedder embedder;
    private static SemanticRouter router;

    private static ConfigNode yaml(String text) {
        return LOADER.read(text, "router");
    }

    @BeforeAll
    static void loadTheModelFromTheClassPath() {
        embedder = new MiniLmEmbedder();
        router = new SemanticRouter(SemanticRouterConfig.parse(yaml(CONFIG)), embedder, GROUPS);
    }

    private static Optional<RoutePlan> route(String text) {
        return router.route(Exchange.of("r", ChatRequest.builder("auto").message(Message.user(text)).build(),
                Credentials.IN_PROCESS, 0, Long.MAX_VALUE));
    }

    @Test
    void theModelLoadsOfflineAndGivesUnitVectors() {
        float[] v = embedder.embed("hello world");
        assertThat(v).hasSize(384);
        double norm = 0;
        for (float x : v) norm += x * x;
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(embedder.dimension()).isEqualTo(384);
    }

    @Test
    void similarSentencesAreCloserThanUnrelatedOnes() {
        float[] a = embedder.embed("How do I reset my password?");
        float[] b = embedder.embed("I can't remember my login password");
        float[] c = embedder.embed("The mitochondria is the powerhouse of the cell");
        assertThat(dot(a, b)).isGreaterThan(dot(a, c) + 0.2);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void routesParaphrasesToTheirRoute() {
        assertThat(target(route("I keep getting a NullPointerException in my Java code, please help"))).isEqualTo("coder");
        assertThat(target(route("How do I fix a KeyError in my Python dictionary code?"))).isEqualTo("coder");
        assertThat(target(route("Reset my password please, I'm locked out of my account"))).isEqualTo("support");
        assertThat(target(route("Write me a poem about the sea at night"))).isEqualTo("writer");
        assertThat(route("Reset my password please, I'm locked out of my account").orElseThrow().rationale())
                .contains("account").contains("similarity");
        String prompt = "Reset my password please, I'm locked out of my account";
        SemanticRouter.Match m = router.match(prompt).orElseThrow();
        assertThat(route(prompt).orElseThrow().rationale()).isEqualTo(String.format(java.util.Locale.ROOT,
                "route '%s' (similarity %.3f ≥ %.3f) → %s", m.route().name(), m.similarity(), m.route().threshold(),
                m.route().target()));
    }

    @Test
    void anUnrelatedPromptFallsThrough() {
        assertThat(route("What is the boiling point of nitrogen in kelvin?")).isEmpty();
        SemanticRouter.Match nearest = router.nearest("What is the boiling point of nitrogen in kelvin?");
        assertThat(nearest.similarity()).isLessThan(nearest.route().threshold());
    }

    @Test
    void aPerRouteThresholdDecides() {
        String prompt = "my python code is slow";
        double similarity = router.nearest(prompt).similarity();
        SemanticRouter strict = new SemanticRouter(SemanticRouterConfig.parse(yaml("""
                model: auto
                routes:
                  - {name: code, target: coder, threshold: %s, utterances: ["my python script throws a KeyError"]}
                """.formatted(Math.min(1, similarity + 0.05)))), embedder, GROUPS);
        assertThat(strict.match(prompt)).isEmpty();
        SemanticRouter loose = new SemanticRouter(SemanticRouterConfig.parse(yaml("""
                model: auto
                routes:
                  - {name: code, target: coder, threshold: %s, utterances: ["my python script throws a KeyError"]}
                """.formatted(Math.max(-1, strict.nearest(prompt).similarity() - 0.05)))), embedder, GROUPS);
        assertThat(loose.match(prompt)).isPresent();
    }

    @Test
    void otherModelsFallThrough() {
        assertThat(router.route(Exchange.of("r", ChatRequest.builder("coder").message(Message.user(
                "write a Java function that reverses a linked list")).build(), Credentials.IN_PROCESS, 0, Long.MAX_VALUE)))
                .isEmpty();
    }

    @Test
    void badConfigNamesItsKey() {
        assertThatThrownBy(() -> SemanticRouterConfig.parse(yaml("""
                model: auto
                routes:
                  - {name: x, target: coder, utterances: []}
                """))).isInstanceOf(ConfigException.class).hasMessageContaining("router.routes[0].utterances");
        assertThatThrownBy(() -> SemanticRouterConfig.parse(yaml("""
                model: auto
                routes:
                  - {name: x, target: coder, threshold: 2, utterances: [a]}
                """))).isInstanceOf(ConfigException.class).hasMessageContaining("router.routes[0].threshold");
        assertThatThrownBy(() -> new SemanticRouter(SemanticRouterConfig.parse(yaml("""
                model: auto
                routes:
                  - {name: x, target: nowhere, utterances: [a]}
                """)), embedder, GROUPS)).isInstanceOf(ConfigException.class).hasMessageContaining("routes[0].target");
    }

    private static String target(Optional<RoutePlan> plan) {
        return plan.orElseThrow().candidates().getFirst().modelName();
    }
}
