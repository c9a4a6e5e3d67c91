package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.FakeUpstream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Anthropic Python SDK ({@link PythonSdks}), unmodified, against the real server's {@code /v1/messages}
 * with the model served by an Anthropic-format and by an OpenAI-format fake upstream:
 * {@code src/test/python/anthropic_python_check.py} makes the calls and prints what the SDK returned.
 */
class AnthropicPythonSdkIT {
    private static final String VIA_ANTHROPIC = AnthropicSdkIT.VIA_ANTHROPIC;
    private static final String VIA_OPENAI = AnthropicSdkIT.VIA_OPENAI;

    private static FakeUpstream anthropic;
    private static FakeUpstream openai;
    private static GatewayFixture gateway;
    private static JsonNode result;

    @BeforeAll
    static void runTheScript() throws Exception {
        anthropic = FakeUpstream.anthropic();
        openai = FakeUpstream.openAi();
        gateway = GatewayFixture.start(AnthropicSdkIT.bothUpstreams(anthropic, openai));
        result = Json.parseBody(PythonSdks.run("anthropic_python_check.py", Map.of("ANTHROPIC_BASE_URL", gateway.base(),
                "ANTHROPIC_API_KEY", "sk-anything", "CHECK_MODELS", VIA_ANTHROPIC + "," + VIA_OPENAI))
                .getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
        if (anthropic != null) anthropic.close();
        if (openai != null) openai.close();
    }

    private static JsonNode check(String model, String name) {
        return result.get("checks").get(model).get(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void answersWithUsageAndTheRequestId(String model) {
        JsonNode create = check(model, "create");
        assertThat(create.get("text").asText()).isEqualTo("echo: hello from python");
        assertThat(create.get("stop").asText()).isEqualTo("end_turn");
        assertThat(create.get("inputTokens").asInt()).isPositive();
        assertThat(create.get("outputTokens").asInt()).isPositive();
        assertThat(create.get("id").asText()).isNotBlank();
        assertThat(create.get("requestId").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void streamsThroughTheSdksHelper(String model) {
        JsonNode stream = check(model, "stream");
        assertThat(stream.get("deltas").asText()).isEqualTo("echo: stream from python");
        assertThat(stream.get("final").asText()).isEqualTo(stream.get("deltas").asText());
        assertThat(stream.get("stop").asText()).isEqualTo("end_turn");
        assertThat(stream.get("outputTokens").asInt()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void completesAForcedToolRoundTrip(String model) {
        JsonNode tool = check(model, "tool");
        assertThat(tool.get("stop").asText()).isEqualTo("tool_use");
        assertThat(tool.get("uses")).singleElement().satisfies(use -> {
            assertThat(use.get("name").asText()).isEqualTo("get_weather");
            assertThat(use.get("id").asText()).isNotBlank();
            assertThat(use.at("/input/city").asText()).isEqualTo("Rome");
        });
        JsonNode answer = check(model, "toolResult");
        assertThat(answer.get("text").asText()).isEqualTo("echo: 18C and sunny");
        assertThat(answer.get("stop").asText()).isEqualTo("end_turn");
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void countsTokens(String model) {
        assertThat(check(model, "countTokens").asInt()).isPositive();
    }

    @Test
    void listsModelsAndAnUnknownOneIsTheSdksNotFoundError() {
        List<String> ids = new ArrayList<>();
        result.get("models").forEach(id -> ids.add(id.asText()));
        assertThat(ids).contains(VIA_ANTHROPIC, VIA_OPENAI);
        JsonNode e = result.get("notFound");
        assertThat(e.get("notFoundError").asBoolean()).isTrue();
        assertThat(e.get("status").asInt()).isEqualTo(404);
        assertThat(e.get("message").asText()).contains("ghost");
    }
}
