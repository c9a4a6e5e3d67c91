package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A deployment's request parameters in litellm_params are defaults of its calls, as LiteLLM's router makes them. */
class OpenAiRequestDefaultsTest {
    private final OpenAiAdapter adapter = new OpenAiAdapter(OpenAiFixtures.FIXED_TIME);

    static Deployment deployment(String params) {
        return new ConfigLoader(name -> null, Set.of("openai")).parse("""
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_key: sk-x, %s}
                """.formatted(params), "test").deployments().getFirst();
    }

    private static JsonNode sent(WireRequest wire) throws IOException {
        return Json.MAPPER.readTree(wire.body());
    }

    private static ChatRequest client(String fields) {
        return OpenAiCodec.parseChatRequest(Json.parseBody(("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]" + fields + "}").getBytes()));
    }

    @Test
    void theForwardedBodyGetsEveryDefaultTheClientLeftOut() throws IOException {
        Deployment d = deployment("temperature: 0.2, top_p: 0.9, max_tokens: 300, stop: [END], seed: 7, "
                + "frequency_penalty: 0.5, presence_penalty: 0.25, response_format: {type: json_object}, "
                + "extra_body: {safe_mode: true}");

        JsonNode body = sent(adapter.toWire(client(",\"x_vendor\":1"), d));

        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.get("stop")).isEqualTo(Json.MAPPER.createArrayNode().add("END"));
        assertThat(body.get("seed").asLong()).isEqualTo(7);
        assertThat(body.get("frequency_penalty").asDouble()).isEqualTo(0.5);
        assertThat(body.get("presence_penalty").asDouble()).isEqualTo(0.25);
        assertThat(body.at("/response_format/type").asText()).isEqualTo("json_object");
        assertThat(body.get("safe_mode").asBoolean()).isTrue();
        assertThat(body.has("extra_body")).isFalse();
        assertThat(body.get("x_vendor").asInt()).isEqualTo(1);
    }

    @Test
    void theClientsOwnValuesWinOverTheDeployments() throws IOException {
        Deployment d = deployment("temperature: 0.2, max_tokens: 300, frequency_penalty: 0.5, extra_body: {safe_mode: true}");

        JsonNode body = sent(adapter.toWire(client(",\"temperature\":1.1,\"max_completion_tokens\":40,"
                + "\"frequency_penalty\":0,\"safe_mode\":false"), d));

        assertThat(body.get("temperature").asDouble()).isEqualTo(1.1);
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(40);
        assertThat(body.has("max_tokens")).as("one output limit, the client's").isFalse();
        assertThat(body.get("frequency_penalty").asDouble()).isZero();
        assertThat(body.get("safe_mode").asBoolean()).isFalse();
    }

    @Test
    void aRequestWrittenFromCanonicalFieldsGetsTheDefaultsToo() throws IOException {
        Deployment d = deployment("temperature: 0.2, presence_penalty: 0.25");
        ChatRequest canonical = ChatRequest.builder("gpt").message(Message.user("hi")).build();

        JsonNode body = sent(adapter.toWire(canonical, d));

        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("presence_penalty").asDouble()).isEqualTo(0.25);
    }

    @Test
    void theClientsBodyObjectIsNotChangedByTheDefaults() {
        ChatRequest request = client("");
        String before = request.openAiBody().orElseThrow().toString();

        adapter.toWire(request, deployment("temperature: 0.2"));

        assertThat(request.openAiBody().orElseThrow().toString()).isEqualTo(before);
    }

    @Test
    void apiVersionBecomesTheApiVersionQueryOfAnAzureStyleBase() {
        Deployment azure = deployment("api_base: \"https://acme.openai.azure.com/openai/deployments/gpt4o\", "
                + "api_version: \"2024-10-21\"");
        assertThat(adapter.toWire(client(""), azure).uri().toString())
                .isEqualTo("https://acme.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21");
        assertThat(adapter.unusedParams(azure)).isEmpty();
    }

    @Test
    void anApiVersionAlreadyInTheBasesQueryIsKeptAndNotRepeated() {
        Deployment azure = deployment("api_base: \"https://acme.openai.azure.com/openai/deployments/gpt4o?api-version=2025-01-01\", "
                + "api_version: \"2024-10-21\"");
        assertThat(adapter.toWire(client(""), azure).uri().toString())
                .isEqualTo("https://acme.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2025-01-01");
        assertThat(adapter.unusedParams(azure)).as("the base's own version stands").containsExactly("api_version");
    }

    @Test
    void apiVersionOnABaseThatIsNotAzuresIsNotSentAndStartUpSaysSo() {
        Deployment groq = deployment("api_base: \"https://api.groq.com/openai/v1\", api_version: \"2024-10-21\"");
        assertThat(adapter.toWire(client(""), groq).uri().toString()).isEqualTo("https://api.groq.com/openai/v1/chat/completions");
        assertThat(adapter.unusedParams(groq)).containsExactly("api_version");
    }
}
