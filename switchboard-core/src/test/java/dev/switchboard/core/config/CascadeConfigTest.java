package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CascadeConfigTest {
    private static final String MODELS = """
            model_list:
              - model_name: small
                litellm_params: {model: openai/small, api_base: "http://small.test", api_key: sk-test}
              - model_name: medium
                litellm_params: {model: openai/medium, api_base: "http://medium.test", api_key: sk-test}
              - model_name: large
                litellm_params: {model: openai/large, api_base: "http://large.test", api_key: sk-test}
            """;

    private static SwitchboardConfig load(String yaml) {
        return new ConfigLoader(name -> null, Set.of("openai")).parse(MODELS + yaml, "test");
    }

    @Test
    void withoutCascadesNoneAreConfigured() {
        assertThat(load("").cascades()).isEmpty();
    }

    @Test
    void readsACascadeWithDefaultChecks() {
        CascadeSettings c = load("""
                switchboard:
                  cascades:
                    cheap-first:
                      models: [small, medium, large]
                """).cascades().get("cheap-first");

        assertThat(c.name()).isEqualTo("cheap-first");
        assertThat(c.models()).containsExactly("small", "medium", "large");
        assertThat(c.checks()).isEqualTo(CascadeSettings.Checks.ALL);
        assertThat(c.judge()).isEmpty();
        assertThat(c.judgeMaxTokens()).isEqualTo(8);
    }

    @Test
    void readsChecksAndAJudge() {
        CascadeSettings c = load("""
                switchboard:
                  cascades:
                    strict:
                      models: [small, large]
                      checks: {too-short: false, min-words: 20, json: false, refusal-patterns: ["^ask (an|your) admin"]}
                      judge: medium
                      judge-max-tokens: 4
                """).cascades().get("strict");

        assertThat(c.checks().tooShort()).isFalse();
        assertThat(c.checks().minWords()).isEqualTo(20);
        assertThat(c.checks().json()).isFalse();
        assertThat(c.checks().refusal()).isTrue();
        assertThat(c.checks().refusalPatterns()).singleElement().satisfies(p -> assertThat(p.matcher("ASK YOUR ADMIN").find()).isTrue());
        assertThat(c.judge()).isEqualTo(Optional.of("medium"));
        assertThat(c.judgeMaxTokens()).isEqualTo(4);
    }

    @Test
    void badCascadesAreConfigErrorsNamingTheKey() {
        assertKey("x: {models: [small, nope]}", "switchboard.cascades.x.models");
        assertKey("x: {models: [small]}", "switchboard.cascades.x.models");
        assertKey("x: {models: [small, small]}", "switchboard.cascades.x.models");
        assertKey("x: {}", "switchboard.cascades.x.models");
        assertKey("x: {models: [small, large], judge: nope}", "switchboard.cascades.x.judge");
        assertKey("x: {models: [small, large], tiers: 2}", "switchboard.cascades.x.tiers");
        assertKey("x: {models: [small, large], checks: {refusal: maybe}}", "switchboard.cascades.x.checks.refusal");
        assertKey("x: {models: [small, large], checks: {min-words: 0}}", "switchboard.cascades.x.checks.min-words");
        assertKey("x: {models: [small, large], checks: {refusal-patterns: [\"(unclosed\"]}}",
                "switchboard.cascades.x.checks.refusal-patterns[0]");
        assertKey("x: {models: [small, large], checks: {spelling: true}}", "switchboard.cascades.x.checks.spelling");
        assertKey("small: {models: [small, large]}", "switchboard.cascades.small");
        assertKey("switchboard/auto: {models: [small, large]}", "switchboard.cascades.switchboard/auto");
        assertKey("x: {models: [small, large], judge-max-tokens: 0}", "switchboard.cascades.x.judge-max-tokens");
    }

    private static void assertKey(String cascade, String key) {
        assertThatThrownBy(() -> load("switchboard:\n  cascades:\n    " + cascade + "\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key));
    }

    @Test
    void theOldConstructorMeansNoCascades() {
        SwitchboardConfig c = new SwitchboardConfig(ServerSettings.defaults(), List.of(), Optional.empty(), "test");
        assertThat(c.cascades()).isEmpty();
    }
}
