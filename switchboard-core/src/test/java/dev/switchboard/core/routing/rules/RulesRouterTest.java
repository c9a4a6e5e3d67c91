package dev.switchboard.core.routing.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RequestHeaders;
import dev.switchboard.core.pipeline.RoutePlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RulesRouterTest {
    private static final ConfigLoader LOADER = new ConfigLoader(k -> null, Set.of("simulated"));
    private static final Map<String, List<Deployment>> GROUPS = LOADER
            .parse("""
                    model_list:
                      - model_name: strong
                        litellm_params: {model: simulated/strong}
                      - model_name: weak
                        litellm_params: {model: simulated/weak}
                      - model_name: coder
                        litellm_params: {model: simulated/coder}
                    """, "test").modelGroups();

    private static final String RULES = """
            model: auto
            rules:
              - name: premium
                headers: {x-user-tier: [premium, enterprise]}
                target: strong
              - name: gold-metadata
                metadata: {plan: gold}
                target: strong
              - name: code
                has-code: true
                target: coder
              - name: agents
                has-tools: true
                target: strong
              - name: proofs
                pattern: "(?i)\\\\b(prove|derive)\\\\b"
                target: strong
              - name: small-talk
                max-chars: 60
                keywords: [hi, hello, thanks]
                target: weak
              - name: long
                min-chars: 2000
                target: strong
            """;

    private static ConfigNode yaml(String text) {
        return LOADER.read(text, "router");
    }

    private static RulesRouter router(String yaml) {
        return new RulesRouter(RulesRouterConfig.parse(yaml(yaml)), GROUPS);
    }

    private static Exchange exchange(ChatRequest request, Map<String, String> headers) {
        Exchange e = Exchange.of("r1", request, Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
        if (!headers.isEmpty()) e.context().set(RequestHeaders.KEY, RequestHeaders.of(headers));
        return e;
    }

    private static Optional<RoutePlan> route(String text) {
        return router(RULES).route(exchange(ChatRequest.builder("auto").message(Message.user(text)).build(), Map.of()));
    }

    private static String targetOf(Optional<RoutePlan> plan) {
        return plan.orElseThrow().candidates().getFirst().modelName();
    }

    @Test
    void routesOnAHeaderValueWhateverTheHeaderNameCase() {
        var plan = router(RULES).route(exchange(ChatRequest.builder("auto").message(Message.user("hi")).build(),
                Map.of("X-User-Tier", "premium")));
        assertThat(targetOf(plan)).isEqualTo("strong");
        assertThat(plan.orElseThrow().router()).isEqualTo("rules");
        assertThat(plan.orElseThrow().rationale()).contains("premium").contains("strong");
    }

    /** A tier sent as "Premium" or "PREMIUM" is the same tier: header values, like their names, ignore case. */
    @Test
    void routesOnAHeaderValueWhateverItsCase() {
        var router = router("""
                model: auto
                rules:
                  - {name: vip, headers: {X-User-Tier: Gold}, target: strong}
                """);
        for (String tier : List.of("gold", "Gold", "GOLD")) {
            var plan = router.route(exchange(ChatRequest.builder("auto").message(Message.user("hi")).build(),
                    Map.of("x-user-tier", tier)));
            assertThat(plan).as(tier).isPresent();
            assertThat(targetOf(plan)).isEqualTo("strong");
        }
        assertThat(router.route(exchange(ChatRequest.builder("auto").message(Message.user("hi")).build(),
                Map.of("x-user-tier", "golden")))).isEmpty();
    }

    /** An empty pattern is no condition, as empty keywords are: a rule with nothing else catches every request. */
    @Test
    void anEmptyPatternIsACatchAll() {
        var router = router("""
                model: auto
                rules:
                  - {name: default, pattern: "", target: weak}
                """);
        assertThat(router.answersEveryChat("auto")).isTrue();
        assertThat(targetOf(router.route(exchange(ChatRequest.builder("auto").message(Message.user("anything")).build(),
                Map.of())))).isEqualTo("weak");
        assertThatThrownBy(() -> router("""
                model: auto
                rules:
                  - {name: default, pattern: "", target: weak}
                  - {name: later, keywords: [hi], target: strong}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rule 'later' is never tried");
    }

    @Test
    void anUnlistedHeaderValueDoesNotMatch() {
        var plan = router(RULES).route(exchange(ChatRequest.builder("auto").message(Message.user("hello")).build(),
                Map.of("x-user-tier", "free")));
        assertThat(plan.orElseThrow().rationale()).contains("small-talk");
    }

    @Test
    void routesOnRequestMetadata() {
        var request = ChatRequest.builder("auto").message(Message.user("what is 2+2, hello"))
                .metadata(Map.of("plan", "gold")).build();
        assertThat(targetOf(router(RULES).route(exchange(request, Map.of())))).isEqualTo("strong");
    }

    @Test
    void sendsCodeToTheCodeModel() {
        assertThat(targetOf(route("Why does this fail?\n```python\ndef f(x):\n    return x[0]\n```"))).isEqualTo("coder");
        assertThat(targetOf(route("fix this: for (int i = 0; i < n; i++) {"))).isEqualTo("coder");
    }

    @Test
    void routesRequestsThatOfferTools() {
        var request = ChatRequest.builder("auto").message(Message.user("book a table"))
                .tool(new Tool("book", Optional.empty(), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), Optional.empty())).build();
        assertThat(targetOf(router(RULES).route(exchange(request, Map.of())))).isEqualTo("strong");
    }

    @Test
    void matchesARegularExpressionOnTheLastUserMessage() {
        assertThat(targetOf(route("Please prove that sqrt 2 is irrational"))).isEqualTo("strong");
        assertThat(route("Please improve my essay")).isEmpty();
    }

    @Test
    void keywordsMatchWholeWordsOnly() {
        assertThat(targetOf(route("Hello there"))).isEqualTo("weak");
        assertThat(route("this is thin")).isEmpty();
    }

    @Test
    void everyConditionOfARuleMustHold() {
        String longGreeting = "hello " + "and a long story about my week ".repeat(3);
        assertThat(longGreeting.length()).isGreaterThan(60);
        assertThat(route(longGreeting)).isEmpty();
    }

    @Test
    void lengthBoundsUseTheLastUserMessage() {
        assertThat(targetOf(route("x".repeat(2000)))).isEqualTo("strong");
        assertThat(route("x".repeat(1999))).isEmpty();
    }

    @Test
    void theFirstMatchingRuleWinsInConfigOrder() {
        String codeProof = "prove this terminates: while (x > 0) { x--; }";
        assertThat(targetOf(route(codeProof))).isEqualTo("coder");
        var swapped = router("""
                model: auto
                rules:
                  - {name: proofs, pattern: prove, target: strong}
                  - {name: code, has-code: true, target: coder}
                """);
        var plan = swapped.route(exchange(ChatRequest.builder("auto").message(Message.user(codeProof)).build(), Map.of()));
        assertThat(targetOf(plan)).isEqualTo("strong");
    }

    @Test
    void noMatchFallsThrough() {
        assertThat(route("What is the capital of France?")).isEmpty();
    }

    @Test
    void aRuleWithoutConditionsCatchesEverything() {
        var router = router("""
                model: auto
                rules:
                  - {name: default, target: weak}
                """);
        var plan = router.route(exchange(ChatRequest.builder("auto").message(Message.user("anything")).build(), Map.of()));
        assertThat(targetOf(plan)).isEqualTo("weak");
    }

    @Test
    void answersOnlyForItsOwnAlias() {
        var request = ChatRequest.builder("strong").message(Message.user("x".repeat(3000))).build();
        assertThat(router(RULES).route(exchange(request, Map.of()))).isEmpty();
    }

    @Test
    void looksAtTheLastUserMessageOnly() {
        var request = ChatRequest.builder("auto").message(Message.user("x".repeat(3000)))
                .message(Message.assistant("ok")).message(Message.user("thanks")).build();
        assertThat(targetOf(router(RULES).route(exchange(request, Map.of())))).isEqualTo("weak");
    }

    @Test
    void aBadRegularExpressionNamesItsKey() {
        assertThatThrownBy(() -> router("""
                model: auto
                rules:
                  - {name: ok, target: weak}
                  - {name: broken, pattern: "(unclosed", target: strong}
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("router.rules[1].pattern"))
                .hasMessageContaining("regular expression");
    }

    /** An empty keyword would match only where two non-letters meet ("a, b"): a rule that fires on some prompts. */
    @Test
    void aBlankKeywordIsAConfigErrorNamingIt() {
        assertThatThrownBy(() -> router("""
                model: auto
                rules:
                  - {name: x, keywords: [code, " "], target: weak}
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("router.rules[0].keywords[1]"))
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> router("""
                model: auto
                rules:
                  - {name: x, keywords: "", target: weak}
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("router.rules[0].keywords"));
    }

    @Test
    void aSingleKeywordMayBeWrittenWithoutAList() {
        RulesRouter router = router("""
                model: auto
                rules:
                  - {name: x, keywords: Hello, target: weak}
                  - {name: rest, target: strong}
                """);
        for (String text : List.of("hello there", "Othello", "HELLO!")) {
            var plan = router.route(exchange(ChatRequest.builder("auto").message(Message.user(text)).build(), Map.of()));
            assertThat(targetOf(plan)).as(text).isEqualTo(text.equals("Othello") ? "strong" : "weak");
        }
    }

    @Test
    void anUnknownTargetIsAConfigError() {
        assertThatThrownBy(() -> router("""
                model: auto
                rules:
                  - {name: x, target: nowhere}
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("rules[0].target"))
                .hasMessageContaining("nowhere");
    }

    @Test
    void aMisspelledKeyIsAConfigError() {
        assertThatThrownBy(() -> router("""
                model: auto
                rules:
                  - {name: x, max-char: 10, target: weak}
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("router.rules[0].max-char"));
    }

    @Test
    void contradictoryLengthBoundsAreAConfigError() {
        assertThatThrownBy(() -> router("""
                model: auto
                rules:
                  - {name: x, min-chars: 10, max-chars: 5, target: weak}
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("router.rules[0].max-chars"));
    }

    @Test
    void aMissingTargetOrEmptyRuleListIsAConfigError() {
        assertThatThrownBy(() -> router("""
                model: auto
                rules:
                  - {name: x, max-chars: 5}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("router.rules[0].target");
        assertThatThrownBy(() -> router("model: auto\nrules: []\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("router.rules");
    }
}
