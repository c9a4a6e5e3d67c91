package dev.switchboard.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterFactoryTest {
    private static final ConfigLoader LOADER = new ConfigLoader(k -> null, Set.of("simulated"));
    private static final String MODELS = """
            model_list:
              - {model_name: cheap, litellm_params: {model: simulated/cheap}}
              - {model_name: strong, litellm_params: {model: simulated/strong}}
            """;

    /** A router's target that is no model group refuses to start naming its full key (it said only "rules[1].target"). */
    @Test
    void aTargetThatIsNoModelGroupIsRefusedNamingItsFullKey() {
        assertThatThrownBy(() -> RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers:
                    - rules: {model: smart, rules: [{name: a, keywords: [hi], target: cheap}, {name: b, keywords: [yo], target: nope}]}
                """, "t"))).hasMessage("switchboard.routers[0].rules.rules[1].target: unknown model group 'nope'");
        assertThatThrownBy(() -> RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers:
                    - rules: {model: smart, rules: [{name: a, keywords: [hi], target: cheap}]}
                    - learned: {model: smart, strong-model: strong, weak-model: tiny}
                """, "t"))).hasMessage("switchboard.routers[1].learned.weak-model: unknown model group 'tiny'");
    }

    /** A group of embedding models cannot answer a chat: naming one as a target refuses to start (it failed per call). */
    @Test
    void aTargetOfEmbeddingModelsOnlyIsRefused() {
        assertThatThrownBy(() -> RouterFactory.configured(LOADER.parse(MODELS + """
                  - {model_name: vectors, litellm_params: {model: simulated/embed}, model_info: {mode: embedding}}
                switchboard:
                  routers: [{learned: {model: smart, strong-model: strong, weak-model: vectors}}]
                """, "t"))).hasMessage("switchboard.routers[0].learned.weak-model: "
                        + "'vectors' is a group of embedding models, which cannot answer a chat");
    }

    /** A learned router's artifact that is missing, a directory or not an artifact refuses to start naming the key (it was a stack trace). */
    @Test
    void anArtifactThatCannotBeReadIsRefusedNamingTheKey(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.bin"), "not a model");
        for (var c : List.of(
                List.of(dir.resolve("missing.bin").toString(), "'" + dir.resolve("missing.bin") + "' does not exist"),
                List.of(dir.toString(), "'" + dir + "' is a directory, not a trained router artifact"),
                List.of(garbage.toString(), "'" + garbage + "' is not a trained router artifact"))) {
            assertThatThrownBy(() -> RouterFactory.configured(LOADER.parse(MODELS + """
                    switchboard:
                      routers: [{learned: {model: smart, strong-model: strong, weak-model: cheap, artifact: "%s"}}]
                    """.formatted(c.get(0)), "t")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("switchboard.routers[0].learned.artifact: " + c.get(1));
        }
    }

    @Test
    void aSettingsErrorKeepsTheKeyItNamed() {
        assertThatThrownBy(() -> RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers: [{rules: {model: smart, rules: [{name: a, pattern: "((", target: cheap}]}}]
                """, "t"))).hasMessageStartingWith("switchboard.routers[0].rules.rules[0].pattern: invalid regular expression");
        assertThat(RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers: [{rules: {model: smart, rules: [{name: a, keywords: [hi], target: cheap}, {name: rest, target: strong}]}}]
                """, "t"))).hasSize(1);
    }

    /**
     * A chain whose routers may all pass, with no model group of its name, refuses to start naming its last entry: a
     * request none matched was told the model does not exist.
     */
    @Test
    void aChainWithNothingBehindItsRoutersIsRefused() {
        assertThatThrownBy(() -> RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers:
                    - rules: {model: smart, rules: [{name: a, keywords: [hi], target: cheap}]}
                    - learned: {model: other, strong-model: strong, weak-model: cheap}
                    - rules: {model: smart, rules: [{name: b, min-chars: 500, target: strong}]}
                """, "t"))).isInstanceOf(ConfigException.class).hasMessage("switchboard.routers[2].rules.model: a request "
                        + "for 'smart' that no rule or route matches has nowhere to go: add a model group 'smart' as its "
                        + "default, a rule with no condition at the end, or a learned router");
        // Each of the three defaults will do.
        assertThat(RouterFactory.configured(LOADER.parse(MODELS + """
                  - {model_name: smart, litellm_params: {model: simulated/smart}}
                switchboard:
                  routers: [{rules: {model: smart, rules: [{name: a, keywords: [hi], target: cheap}]}}]
                """, "t"))).hasSize(1);
        assertThat(RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers: [{rules: {model: smart, rules: [{name: a, keywords: [hi], target: cheap}, {name: rest, min-chars: 0, target: strong}]}}]
                """, "t"))).hasSize(1);
        assertThat(RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers:
                    - rules: {model: smart, rules: [{name: a, keywords: [hi], target: cheap}]}
                    - learned: {model: smart, strong-model: strong, weak-model: cheap}
                """, "t"))).hasSize(2);
    }

    /** A router after one that answers every request for the same model would never be asked: refused, naming both. */
    @Test
    void aRouterAfterOneThatAnswersEverythingIsRefused() {
        assertThatThrownBy(() -> RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers:
                    - learned: {model: smart, strong-model: strong, weak-model: cheap}
                    - rules: {model: other, rules: [{name: rest, target: cheap}]}
                    - rules: {model: smart, rules: [{name: vip, headers: {x-tier: gold}, target: strong}]}
                """, "t"))).isInstanceOf(ConfigException.class).hasMessage("switchboard.routers[2].rules.model: this rules "
                        + "router is never asked: switchboard.routers[0].learned before it answers every request for 'smart'");
    }

    /** The first matching rule wins, so a rule after one with no condition would never be tried: refused, naming it. */
    @Test
    void aRuleAfterACatchAllIsRefused() {
        assertThatThrownBy(() -> RouterFactory.configured(LOADER.parse(MODELS + """
                switchboard:
                  routers: [{rules: {model: smart, rules: [{name: rest, target: cheap}, {name: vip, headers: {x-tier: gold}, target: strong}]}}]
                """, "t"))).isInstanceOf(ConfigException.class).hasMessage("switchboard.routers[0].rules.rules[1]: rule "
                        + "'vip' is never tried: rule 'rest' (rules[0]) before it has no condition and matches every request");
    }
}
