package dev.switchboard.providers.openai;

import static dev.switchboard.providers.openai.OpenAiFixtures.bytes;
import static dev.switchboard.providers.openai.OpenAiFixtures.deployment;
import static dev.switchboard.providers.openai.OpenAiFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.Secret;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiAdapterContractTest {
    private final OpenAiAdapter adapter = new OpenAiAdapter(OpenAiFixtures.FIXED_TIME);

    private static JsonNode body(WireRequest wire) throws IOException {
        return Json.MAPPER.readTree(wire.body());
    }

    private static WireResponse ok(String fixture) {
        return new WireResponse(200, WireHeaders.of("Content-Type", "application/json"), bytes(fixture));
    }

    @Test
    void fastPathForwardsFieldsTheGatewayDoesNotKnowUntouched() throws IOException {
        JsonNode client = json("request-unknown-fields.json");
        ChatRequest request = OpenAiCodec.parseChatRequest(client.deepCopy());

        JsonNode sent = body(adapter.toWire(request, deployment()));

        ObjectNode expected = (ObjectNode) client.deepCopy();
        expected.put("model", "gpt-4o-mini");
        ((ObjectNode) expected.get("stream_options")).put("include_usage", true);
        assertThat(sent).isEqualTo(expected);
        assertThat(sent.path("stream_options").path("include_obfuscation").asBoolean(true)).isFalse();
        assertThat(sent.path("messages").get(1).path("content").get(1).path("type").asText()).isEqualTo("input_audio");
    }

    @Test
    void fastPathLeavesTheClientsBodyObjectUnchanged() {
        JsonNode client = json("request-unknown-fields.json");
        ChatRequest request = OpenAiCodec.parseChatRequest(client.deepCopy());

        adapter.toWire(request, deployment());

        assertThat(request.openAiBody().orElseThrow().path("model").asText()).isEqualTo("smart");
        assertThat(request.openAiBody().orElseThrow().path("stream_options").path("include_usage").asBoolean()).isFalse();
    }

    @Test
    void streamingRequestWithoutStreamOptionsAsksForTheUsageChunk() throws IOException {
        ObjectNode client = (ObjectNode) json("request-tools.json");
        client.put("stream", true);
        ChatRequest request = OpenAiCodec.parseChatRequest(client);

        WireRequest wire = adapter.toWire(request, deployment());

        assertThat(body(wire).path("stream").asBoolean()).isTrue();
        assertThat(body(wire).path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(wire.headers().first("Accept")).contains("text/event-stream");
    }

    @Test
    void nonStreamingRequestCarriesNoStreamOptions() throws IOException {
        ObjectNode client = (ObjectNode) json("request-unknown-fields.json");
        ChatRequest request = OpenAiCodec.parseChatRequest(client).withStream(false);

        JsonNode sent = body(adapter.toWire(request, deployment()));

        assertThat(sent.has("stream")).isFalse();
        assertThat(sent.has("stream_options")).isFalse();
        assertThat(sent.path("reasoning_effort").asText()).isEqualTo("low");
    }

    @Test
    void toolsAndParallelToolCallsReachTheUpstreamAsSent() throws IOException {
        JsonNode client = json("request-tools.json");
        ChatRequest request = OpenAiCodec.parseChatRequest(client.deepCopy());

        JsonNode sent = body(adapter.toWire(request, deployment()));

        assertThat(sent.get("tools")).isEqualTo(client.get("tools"));
        assertThat(sent.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(sent.path("parallel_tool_calls").asBoolean()).isTrue();
    }

    @Test
    void requestWithoutAClientBodyIsBuiltFromCanonicalFields() throws IOException {
        ChatRequest request = ChatRequest.builder("smart")
                .message(Message.system("Be brief."))
                .message(Message.user("Weather in Paris?"))
                .tool(new Tool("get_weather", Optional.of("Current weather"),
                        Json.object().put("type", "object").set("properties", Json.object()), Optional.empty()))
                .toolChoice(new ToolChoice.Named("get_weather"))
                .responseFormat(new ResponseFormat.JsonObject())
                .maxTokens(50)
                .temperature(0.2)
                .stream(true)
                .build();

        JsonNode sent = body(adapter.toWire(request, deployment()));

        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("Weather in Paris?");
        assertThat(sent.path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("tool_choice").path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void postsToChatCompletionsUnderTheApiBaseWithBearerKeyAndDeploymentHeaders() {
        var target = deployment("https://api.groq.com/openai/v1/", Optional.of(new Secret("gsk-secret")),
                Map.of("OpenAI-Organization", "org-abc", "Accept", "application/x-custom"));
        ChatRequest request = OpenAiCodec.parseChatRequest(json("request-tools.json"));

        WireRequest wire = adapter.toWire(request, target);

        assertThat(wire.method()).isEqualTo("POST");
        assertThat(wire.uri()).hasToString("https://api.groq.com/openai/v1/chat/completions");
        assertThat(wire.headers().first("authorization")).contains("Bearer gsk-secret");
        assertThat(wire.headers().first("OpenAI-Organization")).contains("org-abc");
        assertThat(wire.headers().first("Accept")).contains("application/x-custom");
        assertThat(wire.headers().first("Content-Type")).contains("application/json");
    }

    /** Azure-style servers take the API version as a query on api_base: every call keeps it, after its own path. */
    @Test
    void aQueryOnTheApiBaseFollowsTheEndpointPathOnEveryCall() throws IOException {
        var target = deployment("https://res.openai.azure.com/openai/v1/?api-version=2024-10-21#docs", Optional.empty(), Map.of());
        ChatRequest chat = OpenAiCodec.parseChatRequest(json("request-tools.json"));
        ChatRequest stream = OpenAiCodec.parseChatRequest(Json.MAPPER.readTree(
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        EmbeddingRequest embed = OpenAiEmbeddingsCodec.parseRequest(Json.object().put("model", "embed").put("input", "hello"));

        assertThat(adapter.toWire(chat, target).uri())
                .hasToString("https://res.openai.azure.com/openai/v1/chat/completions?api-version=2024-10-21");
        assertThat(adapter.toWire(stream, target).uri())
                .hasToString("https://res.openai.azure.com/openai/v1/chat/completions?api-version=2024-10-21");
        assertThat(adapter.toWire(embed, target).uri())
                .hasToString("https://res.openai.azure.com/openai/v1/embeddings?api-version=2024-10-21");
    }

    @Test
    void organizationAndProjectParamsBecomeOpenAiHeaders() {
        var base = deployment();
        var target = new dev.switchboard.core.config.Deployment(base.id(), base.modelName(), base.provider(), base.upstreamModel(),
                base.apiBase(), base.apiKey(), base.headers(), Json.object().put("organization", "org-42").put("project", "proj_7"),
                base.rpm(), base.tpm(), base.weight(), base.timeouts(), base.info());

        WireRequest wire = adapter.toWire(OpenAiCodec.parseChatRequest(json("request-tools.json")), target);

        assertThat(wire.headers().first("OpenAI-Organization")).contains("org-42");
        assertThat(wire.headers().first("OpenAI-Project")).contains("proj_7");
    }

    @Test
    void sendsNoAuthorizationHeaderWhenTheDeploymentHasNoKey() {
        var target = deployment("http://127.0.0.1:8000/v1", Optional.empty(), Map.of());

        WireRequest wire = adapter.toWire(OpenAiCodec.parseChatRequest(json("request-tools.json")), target);

        assertThat(wire.uri()).hasToString("http://127.0.0.1:8000/v1/chat/completions");
        assertThat(wire.headers().first("Authorization")).isEmpty();
    }

    @Test
    void readsATextAnswerWithUsage() {
        ChatRequest request = OpenAiCodec.parseChatRequest(json("request-tools.json"));

        ChatResponse response = adapter.fromWire(ok("chat-text.json"), request);

        assertThat(response.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(response.text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(response.choices().getFirst().finishReason()).contains(FinishReason.STOP);
        assertThat(response.usage().orElseThrow().promptTokens()).isEqualTo(19);
        assertThat(response.usage().orElseThrow().completionTokens()).isEqualTo(10);
        assertThat(response.systemFingerprint()).contains("fp_06737a9306");
        assertThat(response.serviceTier()).contains("default");
    }

    @Test
    void answersTravelBackToTheClientWithTheFieldsTheGatewayDoesNotModel() throws IOException {
        ChatRequest request = OpenAiCodec.parseChatRequest(json("request-tools.json"));

        // Audio, web-search annotations, audio and predicted-output token counts: every field, as the upstream sent it.
        for (String fixture : List.of("chat-audio-annotations.json", "chat-text.json", "chat-tool-calls-parallel.json")) {
            ChatResponse response = adapter.fromWire(ok(fixture), request);

            JsonNode written = Json.MAPPER.readTree(OpenAiCodec.writeChatResponse(response, null));
            assertThat((Object) written).as(fixture).isEqualTo(json(fixture)); // in any field order
        }
        ChatResponse audio = adapter.fromWire(ok("chat-audio-annotations.json"), request);
        assertThat(audio.usage().orElseThrow().completionTokens()).isEqualTo(94);
        assertThat(audio.choices().getFirst().message().extras().orElseThrow().at("/audio/transcript").asText())
                .startsWith("Golden retrievers");
    }

    @Test
    void readsParallelToolCallsWithCachedPromptTokens() {
        ChatRequest request = OpenAiCodec.parseChatRequest(json("request-tools.json"));

        ChatResponse response = adapter.fromWire(ok("chat-tool-calls-parallel.json"), request);

        List<ToolCall> calls = response.choices().getFirst().message().toolCalls();
        assertThat(calls).extracting(ToolCall::id).containsExactly("call_tJ3Y8cWkWtiqSuQLVJOz6G8X", "call_Lq0SdyBn4KsMVAs6p0EYHAbJ");
        assertThat(calls).extracting(ToolCall::name).containsOnly("get_weather");
        assertThat(calls.get(1).arguments()).isEqualTo("{\"location\":\"Bogotá, Colombia\",\"unit\":\"celsius\"}");
        assertThat(response.choices().getFirst().finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(response.choices().getFirst().message().content()).isEmpty();
        assertThat(response.usage().orElseThrow().cachedPromptTokens()).isEqualTo(64);
    }

    @Test
    void jsonSchemaRequestIsForwardedAndTheAnswerIsTheStructuredJson() throws IOException {
        JsonNode client = json("request-json-schema.json");
        ChatRequest request = OpenAiCodec.parseChatRequest(client.deepCopy());

        JsonNode sent = body(adapter.toWire(request, deployment()));
        ChatResponse response = adapter.fromWire(ok("chat-json-schema.json"), request);

        assertThat(sent.get("response_format")).isEqualTo(client.get("response_format"));
        JsonNode answer = Json.MAPPER.readTree(response.text());
        assertThat(answer.path("name").asText()).isEqualTo("science fair");
        assertThat(answer.path("participants")).hasSize(2);
    }

    @Test
    void embeddingsArePostedToTheEmbeddingsEndpointAskingForFloats() throws IOException {
        ObjectNode client = Json.object().put("model", "embed").put("input", "hello").put("encoding_format", "base64")
                .put("dimensions", 256);
        EmbeddingRequest request = OpenAiEmbeddingsCodec.parseRequest(client);

        WireRequest wire = adapter.toWire(request, deployment());

        assertThat(wire.uri()).hasToString("https://api.openai.com/v1/embeddings");
        assertThat(body(wire).path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body(wire).path("encoding_format").asText()).isEqualTo("float");
        assertThat(body(wire).path("dimensions").asInt()).isEqualTo(256);
        assertThat(request.base64()).isTrue();
    }

    @Test
    void readsFloatEmbeddings() {
        EmbeddingResponse response = adapter.embeddingsFromWire(ok("embeddings-float.json"),
                EmbeddingRequest.of("embed", List.of("a", "b")));

        assertThat(response.vectors()).hasSize(2);
        assertThat(response.vectors().get(0)).containsExactly(0.0023064255f, -0.009327292f, 0.015797347f, -0.0077780345f);
        assertThat(response.usage().promptTokens()).isEqualTo(8);
        assertThat(response.model()).isEqualTo("text-embedding-3-small");
    }

    @Test
    void readsBase64EmbeddingsInIndexOrder() {
        EmbeddingResponse response = adapter.embeddingsFromWire(ok("embeddings-base64.json"),
                EmbeddingRequest.of("embed", List.of("a", "b")));

        assertThat(response.vectors().get(0)).containsExactly(0.5f, -1.25f, 2.0f, 0.0f);
        assertThat(response.vectors().get(1)).containsExactly(1.0f, 0.25f, -0.5f, 3.0f);
        assertThat(response.usage().promptTokens()).isEqualTo(5);
    }

    /** OpenAI always sends usage; a compatible server's whole answer without it gets the gateway's count, marked so. */
    @Test
    void anAnswerWithoutUsageGetsTheGatewaysCountMarkedAsAnEstimate() throws IOException {
        ChatRequest request = OpenAiCodec.parseChatRequest(Json.MAPPER.readTree(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello twice\"}]}"));
        ObjectNode answer = (ObjectNode) json("chat-text.json");
        answer.remove("usage");
        String text = answer.at("/choices/0/message/content").asText();

        ChatResponse response = adapter.fromWire(new WireResponse(200, WireHeaders.of("Content-Type", "application/json"),
                Json.bytes(answer)), request);

        dev.switchboard.core.TokenCounter tokens = new dev.switchboard.core.TokenCounter();
        assertThat(response.usage()).contains(dev.switchboard.core.model.Usage.of(tokens.countPrompt(request), tokens.count(text)));
        assertThat(response.extras().orElseThrow().path("switchboard").path("usage_estimated").asBoolean()).isTrue();
        JsonNode written = Json.MAPPER.readTree(OpenAiCodec.writeChatResponse(response, null));
        assertThat(written.at("/usage/completion_tokens").asInt()).isEqualTo(tokens.count(text));
        assertThat(written.at("/switchboard/usage_estimated").asBoolean()).isTrue();
    }

    @Test
    void anAnswerWithoutUsageThatCallsToolsCountsTheCalls() throws IOException {
        ChatRequest request = OpenAiCodec.parseChatRequest(json("request-tools.json").deepCopy());
        ObjectNode answer = (ObjectNode) json("chat-tool-calls-parallel.json");
        answer.remove("usage");

        ChatResponse response = adapter.fromWire(new WireResponse(200, WireHeaders.of("Content-Type", "application/json"),
                Json.bytes(answer)), request);

        assertThat(response.usage().orElseThrow().completionTokens()).isPositive();
    }

    @Test
    void anAnswerWithUsageKeepsItAndGetsNoMarker() {
        ChatResponse response = adapter.fromWire(ok("chat-text.json"), ChatRequest.builder("gpt-4o-mini").build());

        assertThat(response.usage()).isPresent();
        assertThat(response.extras().map(e -> e.has("switchboard"))).isNotEqualTo(Optional.of(true));
    }

    /** A routed answer has its own switchboard field: the estimate's note joins it rather than writing the field twice. */
    @Test
    void theEstimatesNoteAndARoutedAnswersExtensionAreOneField() throws IOException {
        ObjectNode answer = (ObjectNode) json("chat-text.json");
        answer.remove("usage");
        ChatResponse response = adapter.fromWire(new WireResponse(200, WireHeaders.of("Content-Type", "application/json"),
                Json.bytes(answer)), ChatRequest.builder("gpt-4o-mini").build());

        String written = new String(OpenAiCodec.writeChatResponse(response, Json.object().put("router", "utility")),
                java.nio.charset.StandardCharsets.UTF_8);

        assertThat(written.split("\"switchboard\"", -1)).hasSize(2);
        JsonNode tree = Json.MAPPER.readTree(written);
        assertThat(tree.at("/switchboard/router").asText()).isEqualTo("utility");
        assertThat(tree.at("/switchboard/usage_estimated").asBoolean()).isTrue();
    }
}
