package dev.switchboard.providers.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A deployment's request parameters in litellm_params are defaults of its calls; the client's own values win. */
class OllamaRequestDefaultsTest {
    private final OllamaAdapter adapter = new OllamaAdapter();

    private static Deployment deployment(String params) {
        return new ConfigLoader(name -> null, Set.of("ollama")).parse("""
                model_list:
                  - model_name: local
                    litellm_params: {model: ollama/llama3.2, %s}
                """.formatted(params), "test").deployments().getFirst();
    }

    private JsonNode sent(ChatRequest request, Deployment d) {
        return Json.parseBody(adapter.toWire(request, d).body());
    }

    @Test
    void theOptionsGetTheDefaultsTheClientLeftOut() {
        Deployment d = deployment("temperature: 0.3, top_p: 0.8, max_tokens: 128, seed: 11, stop: [END], "
                + "frequency_penalty: 0.5, response_format: {type: json_object}, extra_body: {raw: true}");

        JsonNode body = sent(ChatRequest.builder("local").message(Message.user("hi")).build(), d);

        assertThat(body.at("/options/temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.at("/options/top_p").asDouble()).isEqualTo(0.8);
        assertThat(body.at("/options/num_predict").asInt()).isEqualTo(128);
        assertThat(body.at("/options/seed").asLong()).isEqualTo(11);
        assertThat(body.at("/options/stop/0").asText()).isEqualTo("END");
        assertThat(body.at("/options/frequency_penalty").asDouble()).isEqualTo(0.5);
        assertThat(body.get("format").asText()).isEqualTo("json");
        assertThat(body.get("raw").asBoolean()).isTrue();
        assertThat(adapter.unusedParams(d)).isEmpty();
    }

    @Test
    void theClientsOwnValuesWin() {
        Deployment d = deployment("temperature: 0.3, max_tokens: 128, frequency_penalty: 0.5");
        ChatRequest client = OpenAiCodec.parseChatRequest(Json.parseBody(("{\"model\":\"local\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"hi\"}],\"temperature\":1.2,\"max_tokens\":9,\"frequency_penalty\":0.1}").getBytes()));

        JsonNode body = sent(client, d);

        assertThat(body.at("/options/temperature").asDouble()).isEqualTo(1.2);
        assertThat(body.at("/options/num_predict").asInt()).isEqualTo(9);
        assertThat(body.at("/options/frequency_penalty").asDouble()).isEqualTo(0.1);
    }
}
