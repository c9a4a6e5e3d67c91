package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class OpenAiResponderTest {
    @Test
    void sampleFillsEveryPropertyOfAnObjectSchema() throws IOException {
        JsonNode schema = Json.MAPPER.readTree("""
                {"type":"object","properties":{
                  "name":{"type":"string"},"count":{"type":"integer"},"ratio":{"type":"number"},
                  "ok":{"type":"boolean"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},
                  "tags":{"type":"array","items":{"type":"string"}},
                  "maybe":{"type":["null","string"]},
                  "nested":{"type":"object","properties":{"x":{"anyOf":[{"type":"integer"},{"type":"string"}]}}}}}""");

        JsonNode value = OpenAiResponder.sample(schema, "prompt");

        assertThat(value.path("name").asText()).isEqualTo("prompt");
        assertThat(value.path("count").isInt()).isTrue();
        assertThat(value.path("ratio").isNumber()).isTrue();
        assertThat(value.path("ok").asBoolean()).isTrue();
        assertThat(value.path("unit").asText()).isEqualTo("celsius");
        assertThat(value.path("tags").get(0).asText()).isEqualTo("prompt");
        assertThat(value.path("maybe").asText()).isEqualTo("prompt");
        assertThat(value.path("nested").path("x").isInt()).isTrue();
    }

    @Test
    void vectorsAreUnitLengthAndDependOnlyOnTheText() {
        float[] a = OpenAiResponder.vector("hello", 32);
        float[] b = OpenAiResponder.vector("hello", 32);
        float[] c = OpenAiResponder.vector("world", 32);

        double norm = 0;
        for (float f : a) norm += f * f;
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void errorBodiesAreOpenAiErrorObjects() throws IOException {
        OpenAiResponder responder = new OpenAiResponder();

        JsonNode rate = Json.MAPPER.readTree(responder.errorBody(429, "slow down"));
        JsonNode context = Json.MAPPER.readTree(responder.errorBody(400, "This model's maximum context length is 10 tokens."));

        assertThat(rate.path("error").path("message").asText()).isEqualTo("slow down");
        assertThat(rate.path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(rate.path("error").has("param")).isTrue();
        assertThat(context.path("error").path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(context.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }
}
