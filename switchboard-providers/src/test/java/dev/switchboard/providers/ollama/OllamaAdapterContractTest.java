package dev.switchboard.providers.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Secret;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.FrameReader;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@link OllamaAdapter} against wire fixtures written from Ollama's docs/api.md. */
class OllamaAdapterContractTest {
    private final OllamaAdapter adapter = new OllamaAdapter();

    // ------------------------------------------------------------------ requests

    @Test
    void mapsRolesToolsToolResultsAndSamplingOptionsOntoApiChat() {
        ChatRequest request = chat("""
                {"model":"tier-2","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"developer","content":"Answer in English."},
                  {"role":"user","content":"What is the weather today in Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_0","type":"function",
                    "function":{"name":"get_current_weather","arguments":"{\\"format\\":\\"celsius\\",\\"location\\":\\"Paris, FR\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_0","content":"22 degrees, sunny"}],
                 "tools":[{"type":"function","function":{"name":"get_current_weather",
                   "description":"Get the current weather for a location",
                   "parameters":{"type":"object","properties":{
                     "location":{"type":"string","description":"The location to get the weather for, e.g. San Francisco, CA"},
                     "format":{"type":"string","description":"The format to return the weather in, e.g. 'celsius' or 'fahrenheit'","enum":["celsius","fahrenheit"]}},
                   "required":["location","format"]}}}],
                 "temperature":0.2,"top_p":0.9,"seed":42,"max_tokens":100,"stop":["\\n\\n","user:"]}
                """);

        WireRequest wire = adapter.toWire(request, deployment("llama3.2", Map.of()));

        assertThat(wire.method()).isEqualTo("POST");
        assertThat(wire.uri()).isEqualTo(URI.create("http://127.0.0.1:11434/api/chat"));
        assertThat(wire.headers().first("Authorization")).isEmpty();
        assertThat(tree(wire.body())).isEqualTo(fixture("request-chat.json"));
    }

    @Test
    void leavesOutAnthropicsSignedAndRedactedThinkingAndSendsTheReasoningText() {
        Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.Thinking("Check the weather.", "EqQB"),
                new ContentPart.RedactedThinking("EmwK")), false, Optional.empty(),
                List.of(new ToolCall("toolu_1", "get_weather", "{}")), Optional.empty(), Optional.of("Check the weather."),
                Optional.empty());
        ChatRequest request = ChatRequest.builder("tier-2").message(Message.user("Weather?")).message(assistant)
                .message(Message.toolResult("toolu_1", "sunny")).build();

        JsonNode sent = tree(adapter.toWire(request, deployment("llama3.2", Map.of())).body()).get("messages").get(1);
        assertThat(sent.get("thinking").asText()).isEqualTo("Check the weather.");
        assertThat(sent.toString()).doesNotContain("EqQB", "EmwK");
    }

    @Test
    void sendsDataUrlImagesAsBase64AndStreamsWithKeepAlive() {
        ChatRequest request = chat("""
                {"model":"vision","stream":true,"messages":[{"role":"user","content":[
                  {"type":"text","text":"what is in this image?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="}}]}]}
                """);

        WireRequest wire = adapter.toWire(request, deployment("llava", Map.of("keep_alive", "10m")));

        assertThat(tree(wire.body())).isEqualTo(fixture("request-vision.json"));
        assertThat(wire.headers().first("Accept")).contains("application/x-ndjson");
    }

    @Test
    void refusesHttpImageUrlsWithAClearUnsupportedError() {
        ChatRequest request = chat("""
                {"model":"vision","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"https://example.com/pig.png"}}]}]}
                """);

        assertThatThrownBy(() -> adapter.toWire(request, deployment("llava", Map.of())))
                .isInstanceOfSatisfying(GatewayException.Unsupported.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("base64 data URLs");
                    assertThat(e.param()).contains("messages[0].content");
                });
    }

    @Test
    void passesAJsonSchemaResponseFormatAsTheFormatObject() {
        ChatRequest request = chat("""
                {"model":"m","temperature":0.0,"messages":[{"role":"user","content":"Ollama is 22 years old and busy saving the world. Return a JSON object with the age and availability."}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object",
                   "properties":{"age":{"type":"integer"},"available":{"type":"boolean"}},"required":["age","available"]}}}}
                """);

        assertThat(tree(adapter.toWire(request, deployment("llama3.1", Map.of())).body()))
                .isEqualTo(fixture("request-json-schema.json"));
    }

    @Test
    void sendsJsonModeAsTheStringJson() {
        ChatRequest request = chat("""
                {"model":"m","messages":[{"role":"user","content":"colours as JSON"}],"response_format":{"type":"json_object"}}
                """);

        JsonNode body = tree(adapter.toWire(request, deployment("llama3.2", Map.of())).body());

        assertThat(body.get("format").asText()).isEqualTo("json");
    }

    @Test
    void toolChoiceNoneSendsNoToolsAndANamedChoiceSendsOnlyThatTool() {
        String tools = """
                "tools":[{"type":"function","function":{"name":"a","parameters":{"type":"object"}}},
                         {"type":"function","function":{"name":"b","parameters":{"type":"object"}}}]""";
        ChatRequest none = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + tools
                + ",\"tool_choice\":\"none\"}");
        ChatRequest named = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + tools
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"b\"}}}");

        assertThat(tree(adapter.toWire(none, deployment("llama3.2", Map.of())).body()).has("tools")).isFalse();
        JsonNode namedTools = tree(adapter.toWire(named, deployment("llama3.2", Map.of())).body()).get("tools");
        assertThat(namedTools).hasSize(1);
        assertThat(namedTools.get(0).path("function").path("name").asText()).isEqualTo("b");
    }

    @Test
    void usesTheConfiguredBaseUrlAndABearerKeyOnlyWhenOneIsConfigured() {
        Deployment remote = new Deployment("d1", "tier", "ollama", "llama3.2", Optional.of(URI.create("https://ollama.example.com/")),
                Optional.of(new Secret("sk-ollama")), Map.of(), Json.object(), OptionalInt.empty(), OptionalInt.empty(), 1,
                Timeouts.DEFAULT, ModelInfo.defaults());

        WireRequest wire = adapter.toWire(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), remote);

        assertThat(wire.uri()).isEqualTo(URI.create("https://ollama.example.com/api/chat"));
        assertThat(wire.headers().first("authorization")).contains("Bearer sk-ollama");
    }

    @Test
    void keepsAQueryOnTheBaseUrlAfterTheEndpointPath() {
        Deployment proxied = new Deployment("d1", "tier", "ollama", "llama3.2",
                Optional.of(URI.create("https://ollama.example.com/api/?token=t1#x")), Optional.empty(), Map.of(), Json.object(),
                OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT, ModelInfo.defaults());

        WireRequest chat = adapter.toWire(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), proxied);
        WireRequest embed = adapter.toWire(OpenAiEmbeddingsCodec.parseRequest(tree("{\"model\":\"e\",\"input\":\"hi\"}")), proxied);

        assertThat(chat.uri()).isEqualTo(URI.create("https://ollama.example.com/api/chat?token=t1"));
        assertThat(embed.uri()).isEqualTo(URI.create("https://ollama.example.com/api/embed?token=t1"));
    }

    @Test
    void refusesMoreThanOneChoice() {
        assertThatThrownBy(() -> adapter.toWire(chat("{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                deployment("llama3.2", Map.of())))
                .isInstanceOf(GatewayException.Unsupported.class)
                .hasMessageContaining("'n'");
    }

    @Test
    void passesNumCtxAndThinkFromTheDeployment() {
        Map<String, Object> params = Map.of("num_ctx", 8192, "think", "high");
        JsonNode body = tree(adapter.toWire(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                deployment("gpt-oss:20b", params)).body());

        assertThat(body.path("options").path("num_ctx").asInt()).isEqualTo(8192);
        assertThat(body.path("think").asText()).isEqualTo("high");
    }

    // ------------------------------------------------------------------ responses

    @Test
    void readsANonStreamingAnswerWithUsageAndCreatedTime() {
        ChatResponse r = adapter.fromWire(response("chat-response.json"), plainRequest());

        assertThat(r.text()).isEqualTo("Hello! How are you today?");
        assertThat(r.model()).isEqualTo("llama3.2");
        assertThat(r.created()).isEqualTo(1702390423L);
        assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.STOP);
        assertThat(r.usage()).contains(Usage.of(26, 298));
        assertThat(r.id()).startsWith("chatcmpl-ollama-");
    }

    @Test
    void givesToolCallsGeneratedIdsAndArgumentsAsJsonText() {
        ChatResponse r = adapter.fromWire(response("chat-tools-response.json"), plainRequest());

        Message m = r.choices().getFirst().message();
        assertThat(m.toolCalls()).extracting(ToolCall::id).containsExactly("call_0", "call_1");
        assertThat(m.toolCalls()).extracting(ToolCall::name).containsOnly("get_current_weather");
        assertThat(tree(m.toolCalls().getFirst().arguments()))
                .isEqualTo(tree("{\"format\":\"celsius\",\"location\":\"Paris, FR\"}"));
        assertThat(m.content()).isEmpty();
        assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(r.usage()).contains(Usage.of(122, 33));
    }

    @Test
    void readsStructuredOutputAsTheMessageText() {
        ChatResponse r = adapter.fromWire(response("chat-json-schema-response.json"), plainRequest());

        assertThat(tree(r.text())).isEqualTo(tree("{\"age\":22,\"available\":false}"));
    }

    @Test
    void mapsDoneReasonLengthAndAMissingPromptCountFromTheCache() {
        ChatResponse r = adapter.fromWire(response("chat-length-response.json"), plainRequest());

        assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.LENGTH);
        assertThat(r.usage()).contains(Usage.of(0, 10));
    }

    @Test
    void readsAVisionAnswer() {
        ChatResponse r = adapter.fromWire(response("chat-vision-response.json"), plainRequest());

        assertThat(r.text()).contains("little pig");
        assertThat(r.model()).isEqualTo("llava");
    }

    // ------------------------------------------------------------------ streams

    @Test
    void decodesAnNdjsonStreamIntoRoleContentFinishAndUsageChunks() {
        List<ChatChunk> chunks = decode("chat-stream.ndjson");

        assertThat(chunks.getFirst().choices().getFirst().role()).contains(Role.ASSISTANT);
        assertThat(text(chunks)).isEqualTo("The sky is blue.");
        ChatChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().getFirst().finishReason()).contains(FinishReason.STOP);
        ChatChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage()).contains(Usage.of(26, 282));
        assertThat(chunks).extracting(ChatChunk::id).containsOnly(chunks.getFirst().id());
        assertThat(chunks).extracting(ChatChunk::model).containsOnly("llama3.2");
    }

    @Test
    void streamsAWholeToolCallAsOneDeltaAndFinishesWithToolCalls() {
        List<ChatChunk> chunks = decode("chat-tools-stream.ndjson");

        List<ToolCallDelta> deltas = chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(c -> c.toolCalls().stream()).toList();
        assertThat(deltas).hasSize(1);
        ToolCallDelta d = deltas.getFirst();
        assertThat(d.index()).isZero();
        assertThat(d.id()).contains("call_0");
        assertThat(d.name()).contains("get_current_weather");
        assertThat(tree(d.arguments().orElseThrow())).isEqualTo(tree("{\"format\":\"celsius\",\"location\":\"Paris, FR\"}"));
        assertThat(finishReasons(chunks)).containsExactly(FinishReason.TOOL_CALLS);
        assertThat(chunks.getLast().usage()).contains(Usage.of(198, 26));
    }

    @Test
    void streamsThinkingAsReasoningDeltas() {
        List<ChatChunk> chunks = decode("chat-thinking-stream.ndjson");

        String reasoning = chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.reasoning().stream())
                .reduce("", String::concat);
        assertThat(reasoning).isEqualTo("The user asks how many r's.");
        assertThat(text(chunks)).isEqualTo("There are three.");
    }

    @Test
    void anErrorLineMidStreamThrowsAnUpstreamError() {
        StreamDecoder decoder = adapter.newStreamDecoder(plainRequest());
        List<Frame> frames = frames("chat-stream-error.ndjson");

        assertThat(decoder.decode(frames.get(0))).isNotEmpty();
        assertThatThrownBy(() -> decoder.decode(frames.get(1)))
                .isInstanceOf(GatewayException.UpstreamError.class)
                .hasMessageContaining("unexpected EOF");
    }

    @Test
    void aStreamEndingBeforeItsDoneLineIsABrokenConnection() {
        StreamDecoder decoder = adapter.newStreamDecoder(plainRequest());
        for (Frame f : frames("chat-stream-truncated.ndjson")) decoder.decode(f);

        assertThat(decoder.done()).isFalse();
        assertThatThrownBy(decoder::finish).isInstanceOf(GatewayException.ConnectionFailed.class);
    }

    // ------------------------------------------------------------------ embeddings

    @Test
    void embedsSeveralTextsThroughApiEmbed() {
        EmbeddingRequest request = OpenAiEmbeddingsCodec.parseRequest(tree("""
                {"model":"e","input":["Why is the sky blue?","Why is the grass green?"],"dimensions":10}"""));

        WireRequest wire = adapter.toWire(request, deployment("all-minilm", Map.of()));
        EmbeddingResponse r = adapter.embeddingsFromWire(response("embed-response.json"), request);

        assertThat(wire.uri().getPath()).isEqualTo("/api/embed");
        assertThat(tree(wire.body())).isEqualTo(fixture("request-embed.json"));
        assertThat(r.vectors()).hasSize(2);
        assertThat(r.vectors().get(0)).hasSize(10).startsWith(0.010071029f, -0.0017594862f);
        assertThat(r.vectors().get(1)[0]).isEqualTo(-0.0098027075f);
        assertThat(r.usage().promptTokens()).isEqualTo(16);
    }

    @Test
    void refusesTokenArraysAsEmbeddingInput() {
        EmbeddingRequest request = OpenAiEmbeddingsCodec.parseRequest(tree("{\"model\":\"e\",\"input\":[[1,2,3]]}"));

        assertThatThrownBy(() -> adapter.toWire(request, deployment("all-minilm", Map.of())))
                .isInstanceOf(GatewayException.Unsupported.class);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void anUnknownModelIsNotFound() {
        GatewayException e = adapter.mapError(404, WireHeaders.EMPTY, bytes("error-model-not-found.json"));

        assertThat(e).isInstanceOf(GatewayException.NotFound.class);
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).contains("model_not_found");
        assertThat(e.getMessage()).contains("not found, try pulling it first");
    }

    @Test
    void a400IsABadRequest() {
        GatewayException e = adapter.mapError(400, WireHeaders.EMPTY, bytes("error-bad-request.json"));

        assertThat(e).isInstanceOf(GatewayException.BadRequest.class);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void a500IsARetryableUpstreamError() {
        GatewayException e = adapter.mapError(500, WireHeaders.EMPTY, bytes("error-server.json"));

        assertThat(e).isInstanceOfSatisfying(GatewayException.UpstreamError.class,
                u -> assertThat(u.upstreamStatus()).isEqualTo(500));
        assertThat(e.retryable()).isTrue();
        assertThat(e.status()).isEqualTo(502);
    }

    @Test
    void aContextLengthMessageIsContextWindowExceededWhateverTheStatus() {
        assertThat(adapter.mapError(400, WireHeaders.EMPTY, bytes("error-context-length.json")))
                .isInstanceOf(GatewayException.ContextWindowExceeded.class);
        assertThat(adapter.mapError(500, WireHeaders.EMPTY, bytes("error-context-length.json")))
                .isInstanceOf(GatewayException.ContextWindowExceeded.class);
    }

    @Test
    void aBusyServerIsOverloadedAndKeepsRetryAfter() {
        GatewayException e = adapter.mapError(503, WireHeaders.of("Retry-After", "2"), bytes("error-busy.json"));

        assertThat(e).isInstanceOfSatisfying(GatewayException.Overloaded.class,
                o -> assertThat(o.retryAfter()).contains(java.time.Duration.ofSeconds(2)));
    }

    @Test
    void aProxyInFrontOfOllamaMayAskForAPauseInMilliseconds() {
        GatewayException e = adapter.mapError(429, WireHeaders.of("retry-after-ms", "1500", "Retry-After", "2"),
                "{\"error\":\"too many requests\"}".getBytes());

        assertThat(e).isInstanceOfSatisfying(GatewayException.RateLimited.class,
                r -> assertThat(r.retryAfter()).contains(java.time.Duration.ofMillis(1500)));
    }

    @Test
    void aNonJsonErrorBodyStillYieldsItsText() {
        GatewayException e = adapter.mapError(502, WireHeaders.EMPTY, "<html>Bad Gateway</html>".getBytes());

        assertThat(e).isInstanceOf(GatewayException.UpstreamError.class);
        assertThat(e.getMessage()).contains("Bad Gateway");
    }

    // ------------------------------------------------------------------ helpers

    private List<ChatChunk> decode(String name) {
        StreamDecoder decoder = adapter.newStreamDecoder(plainRequest());
        List<ChatChunk> out = new ArrayList<>();
        for (Frame f : frames(name)) out.addAll(decoder.decode(f));
        assertThat(decoder.done()).isTrue();
        out.addAll(decoder.finish());
        return out;
    }

    private static List<Frame> frames(String name) {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes(name)), adapter().framing());
        List<Frame> frames = new ArrayList<>();
        try {
            for (Optional<Frame> f = reader.next(); f.isPresent(); f = reader.next()) frames.add(f.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frames;
    }

    private static OllamaAdapter adapter() {
        return new OllamaAdapter();
    }

    private static String text(List<ChatChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.content().stream()).reduce("", String::concat);
    }

    private static List<FinishReason> finishReasons(List<ChatChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).map(ChunkChoice::finishReason).flatMap(Optional::stream).toList();
    }

    private static ChatRequest plainRequest() {
        return chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static ChatRequest chat(String json) {
        return OpenAiCodec.parseChatRequest(tree(json));
    }

    static Deployment deployment(String upstream, Map<String, Object> params) {
        ObjectNode p = Json.MAPPER.valueToTree(params);
        return new Deployment("d-" + upstream, "group", "ollama", upstream, Optional.empty(), Optional.empty(), Map.of(), p,
                OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT, ModelInfo.defaults());
    }

    private static WireResponse response(String name) {
        return new WireResponse(200, WireHeaders.of("Content-Type", "application/json"), bytes(name));
    }

    private static JsonNode fixture(String name) {
        return tree(bytes(name));
    }

    private static byte[] bytes(String name) {
        try (InputStream in = OllamaAdapterContractTest.class.getResourceAsStream("/fixtures/ollama/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(String json) {
        return tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
