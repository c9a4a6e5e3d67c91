package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.wire.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A deployment's request parameters in litellm_params are defaults of its calls; the client's own values win. */
class AnthropicRequestDefaultsTest {
    private final AnthropicAdapter adapter = new AnthropicAdapter(Ticker.SYSTEM);

    private static Deployment deployment(String params) {
        return new ConfigLoader(name -> null, Set.of("anthropic")).parse("""
                model_list:
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: sk-ant, %s}
                """.formatted(params), "test").deployments().getFirst();
    }

    private JsonNode sent(ChatRequest request, Deployment d) {
        return Json.parseBody(adapter.toWire(request, d).body());
    }

    @Test
    void theMessagesBodyGetsTheDefaultsTheClientLeftOut() {
        Deployment d = deployment("temperature: 0.3, max_tokens: 333, stop: [END], user: team-a, "
                + "extra_body: {container: c-1}");

        JsonNode body = sent(ChatRequest.builder("claude").message(Message.user("hi")).build(), d);

        assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(333);
        assertThat(body.get("stop_sequences")).isEqualTo(Json.MAPPER.createArrayNode().add("END"));
        assertThat(body.at("/metadata/user_id").asText()).isEqualTo("team-a");
        assertThat(body.get("container").asText()).isEqualTo("c-1");
    }

    @Test
    void theClientsOwnValuesWin() {
        Deployment d = deployment("temperature: 0.3, max_tokens: 333, stop: [END]");

        JsonNode body = sent(ChatRequest.builder("claude").message(Message.user("hi")).temperature(0.9).maxTokens(50)
                .stop(java.util.List.of("STOP")).build(), d);

        assertThat(body.get("temperature").asDouble()).isEqualTo(0.9);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(body.get("stop_sequences")).isEqualTo(Json.MAPPER.createArrayNode().add("STOP"));
    }

    @Test
    void whatTheMessagesApiHasNoPlaceForIsNotSentAndStartUpNamesIt() {
        Deployment d = deployment("seed: 5, frequency_penalty: 0.5, temperature: 0.3");

        JsonNode body = sent(ChatRequest.builder("claude").message(Message.user("hi")).build(), d);

        assertThat(body.has("seed")).isFalse();
        assertThat(body.has("frequency_penalty")).isFalse();
        assertThat(adapter.unusedParams(d)).containsExactly("seed", "frequency_penalty");
    }
}
