package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.testkit.LogCapture;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** What a deployment's provider has no place for has no effect: start-up names it, once per deployment. */
class UnusedDeploymentParamsTest {

    @Test
    void startUpNamesTheParamsNothingReadsButNeverTheirValues() {
        String yaml = """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1", api_key: sk-x,
                                     temperature: 0.123, api_version: "2024-10-21", organization: org-1, max_tokens: 500,
                                     frequency_penalty: 0.5, mirostat: 2}
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: sk-y, top_k: 5, seed: 98765,
                                     temperature: 0.5}
                  - model_name: local
                    litellm_params: {model: ollama/llama3, api_base: "http://127.0.0.1:9", options: {temperature: 0.2}}
                  - model_name: sim
                    litellm_params: {model: simulated/echo, simulation: {time-to-first-token: 1ms}}
                """;
        try (LogCapture log = LogCapture.of(Switchboard.class, Level.WARNING);
                Switchboard engine = Switchboard.create(new ConfigLoader(name -> null, Switchboard.availableProviders())
                        .parse(yaml, "test"))) {
            List<String> warnings = log.messages(Level.WARNING).stream().filter(m -> m.contains("litellm_params")).toList();
            assertThat(warnings).hasSize(2);
            // Request parameters are defaults of the deployment's calls; api_version is Azure's, and this base is not.
            assertThat(warnings.get(0)).startsWith("deployment gpt#0: litellm_params [api_version, mirostat] are not used")
                    .doesNotContain("0.123").doesNotContain("2024-10-21").doesNotContain("organization")
                    .doesNotContain("temperature").doesNotContain("frequency_penalty");
            assertThat(warnings.get(1)).startsWith("deployment claude#1: litellm_params [seed] are not used")
                    .doesNotContain("98765").doesNotContain("top_k").doesNotContain("temperature");
        }
    }

    @Test
    void aRequestDefaultAClientCouldNotSendRefusesToStartNamingItsKey() {
        String yaml = """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1", api_key: sk-x,
                                     temperature: 7}
                """;
        assertThatThrownBy(() -> Switchboard.create(new ConfigLoader(name -> null, Switchboard.availableProviders())
                .parse(yaml, "test")).close())
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.key()).isEqualTo("model_list[id=gpt#0].litellm_params.temperature"));
    }
}
