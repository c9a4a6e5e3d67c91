package dev.switchboard.providers.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.wire.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A simulated deployment's request parameters are defaults of its calls, so a config behaves the same offline. */
class SimulatedRequestDefaultsTest {
    private final SimulatedAdapter adapter = new SimulatedAdapter(name -> null);

    private static Deployment deployment(String params) {
        return new ConfigLoader(name -> null, Set.of("simulated")).parse("""
                model_list:
                  - model_name: sim
                    litellm_params: {model: simulated/echo, %s}
                """.formatted(params), "test").deployments().getFirst();
    }

    @Test
    void theSimulatedRequestCarriesTheDefaultsTheClientLeftOutAndTheClientsOwnValues() {
        Deployment d = deployment("max_tokens: 20, seed: 3, temperature: 0.4, stop: [END]");

        JsonNode body = Json.parseBody(adapter.toWire(ChatRequest.builder("sim").message(Message.user("hi"))
                .temperature(1.0).build(), d).body());

        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(20);
        assertThat(body.get("seed").asLong()).isEqualTo(3);
        assertThat(body.get("stop").get(0).asText()).isEqualTo("END");
        assertThat(body.get("temperature").asDouble()).isEqualTo(1.0);
        assertThat(adapter.unusedParams(d)).isEmpty();
    }

    @Test
    void penaltiesHaveNoEffectOnTheSimulatorAndStartUpSaysSo() {
        assertThat(adapter.unusedParams(deployment("frequency_penalty: 0.5, seed: 3"))).containsExactly("frequency_penalty");
    }
}
