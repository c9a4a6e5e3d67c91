package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.RedactedThinkingBlockParam;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.anthropic.models.models.ModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.DefaultConfig;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.AnthropicResponder;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.Fault;
import dev.switchboard.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official anthropic-java SDK, unmodified, against the real server's {@code /v1/messages}, with the model
 * routed to an Anthropic-format fake upstream ({@value #VIA_ANTHROPIC}) and to an OpenAI-format one
 * ({@value #VIA_OPENAI}); and {@code switchboard/auto} over simulated models.
 */
class AnthropicSdkIT {
    static final String VIA_ANTHROPIC = "claude-via-anthropic";
    static final String VIA_OPENAI = "claude-via-openai";
    static final String CACHED = "claude-cached";
    static final String MASTER_KEY = "sk-master";

    static final String GARBLED = "claude-garbled";

    static FakeUpstream anthropic;
    static FakeUpstream openai;
    static FakeUpstream garbled;
    static GatewayFixture gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        anthropic = FakeUpstream.anthropic();
        openai = FakeUpstream.openAi();
        garbled = FakeUpstream.start(AnthropicResponder.streaming(AnthropicSdkIT::garbledStream));
        gateway = GatewayFixture.start(bothUpstreams(anthropic, openai) + """
                  - model_name: %s
                    litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "%s", api_key: sk-ant-upstream,
                                     cache_control: {type: ephemeral}}
                  - model_name: %s
                    litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "%s", api_key: sk-ant-upstream}
                router_settings: {num_retries: 0}
                switchboard:
                  master-key: %s
                  server: {port: 0}
                  ledger: {store: none}
                  reliability: {circuit: {failure-threshold: 1000}}
                """.formatted(CACHED, anthropic.apiBase(), GARBLED, garbled.apiBase(), MASTER_KEY));
        client = client(MASTER_KEY);
    }

    /** {@value #VIA_ANTHROPIC} on an Anthropic-format upstream and {@value #VIA_OPENAI} on an OpenAI-format one. */
    static String bothUpstreams(FakeUpstream anthropic, FakeUpstream openai) {
        return """
                model_list:
                  - model_name: %s
                    litellm_params: {model: anthropic/claude-haiku-4-5, api_base: "%s", api_key: sk-ant-upstream}
                  - model_name: %s
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-openai-upstream}
                """.formatted(VIA_ANTHROPIC, anthropic.apiBase(), VIA_OPENAI, openai.apiBase());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        anthropic.close();
        openai.close();
        garbled.close();
    }

    private static AnthropicClient client(String apiKey) {
        return AnthropicOkHttpClient.builder().baseUrl(gateway.base()).apiKey(apiKey).maxRetries(0).build();
    }

    private static MessageCreateParams.Builder ask(String model, String prompt) {
        return MessageCreateParams.builder().model(model).maxTokens(200).addUserMessage(prompt);
    }

    private static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        m.content().forEach(b -> b.text().ifPresent(t -> sb.append(t.text())));
        return sb.toString();
    }

    private static FakeUpstream upstream(String model) {
        return model.equals(VIA_OPENAI) ? openai : anthropic;
    }

    // ------------------------------------------------------------------ answers

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void answersPlainTextWithUsage(String model) {
        Message m = client.messages().create(ask(model, "hello there").build());

        assertThat(text(m)).isEqualTo("echo: hello there");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isPositive();
        assertThat(m.id()).isNotBlank();
        JsonNode sent = upstream(model).lastRequest().bodyJson();
        if (model.equals(VIA_ANTHROPIC)) {
            assertThat(sent.get("model").asText()).isEqualTo("claude-haiku-4-5");
            assertThat(sent.get("max_tokens").asInt()).isEqualTo(200);
            assertThat(anthropic.lastRequest().headers().first("x-api-key")).hasValue("sk-ant-upstream");
            assertThat(anthropic.lastRequest().headers().first("anthropic-version")).isPresent();
        } else {
            assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(openai.lastRequest().headers().first("authorization")).hasValue("Bearer sk-openai-upstream");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void passesTheSystemPromptAsAStringAndAsBlocks(String model) {
        Message asString = client.messages().create(ask(model, "first question").system("Be brief.").build());
        String sentAsString = upstream(model).lastRequest().bodyText();
        Message asBlocks = client.messages().create(ask(model, "second question").systemOfTextBlockParams(List.of(
                TextBlockParam.builder().text("You are terse.").build(),
                TextBlockParam.builder().text("Answer in English.").build())).build());
        JsonNode sentAsBlocks = upstream(model).lastRequest().bodyJson();

        assertThat(text(asString)).isEqualTo("echo: first question");
        assertThat(text(asBlocks)).isEqualTo("echo: second question");
        assertThat(sentAsString).contains("Be brief.");
        if (model.equals(VIA_ANTHROPIC)) {
            assertThat(sentAsBlocks.get("system").toString()).contains("You are terse.").contains("Answer in English.");
            assertThat(sentAsBlocks.get("messages")).hasSize(1);
        } else {
            JsonNode system = sentAsBlocks.get("messages").get(0);
            assertThat(system.get("role").asText()).isEqualTo("system");
            assertThat(system.get("content").toString()).contains("You are terse.").contains("Answer in English.");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void carriesAMultiTurnConversation(String model) {
        Message first = client.messages().create(ask(model, "my name is Ada").build());
        Message second = client.messages().create(ask(model, "my name is Ada").addMessage(first)
                .addUserMessage("what is my name?").build());

        assertThat(text(second)).isEqualTo("echo: what is my name?");
        JsonNode messages = upstream(model).lastRequest().bodyJson().get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).get("content").toString()).contains("echo: my name is Ada");
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void stopsAtMaxTokens(String model) {
        Message m = client.messages().create(MessageCreateParams.builder().model(model).maxTokens(3)
                .addUserMessage("please repeat this rather long sentence back to me word for word").build());

        assertThat(m.stopReason()).contains(StopReason.MAX_TOKENS);
        assertThat(text(m)).startsWith("echo:").hasSizeLessThan("echo: please repeat".length());
        assertThat(m.usage().outputTokens()).isLessThanOrEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void stopsAtAStopSequence(String model) {
        Message m = client.messages().create(ask(model, "count one two STOP three").stopSequences(List.of("STOP")).build());

        assertThat(text(m)).isEqualTo("echo: count one two ");
        if (model.equals(VIA_ANTHROPIC)) {
            assertThat(m.stopReason()).contains(StopReason.STOP_SEQUENCE);
            assertThat(m.stopSequence()).hasValue("STOP");
        } else {
            // OpenAI reports a matched stop sequence as a plain "stop" without naming it.
            assertThat(m.stopReason()).contains(StopReason.END_TURN);
            assertThat(m.stopSequence()).isEmpty();
            assertThat(openai.lastRequest().bodyJson().get("stop").toString()).contains("STOP");
        }
    }

    // ------------------------------------------------------------------ streaming

    /** One SSE event as the raw bytes carried it. */
    record Sse(String event, JsonNode data) {}

    static List<Sse> events(String body) {
        List<Sse> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String event = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) event = line.substring(7);
                else if (line.startsWith("data: ")) data = line.substring(6);
            }
            if (event != null || data != null) out.add(new Sse(event, Json.parseBody(data.getBytes())));
        }
        return out;
    }

    private static String streamingBody(String model, String prompt) {
        return """
                {"model":"%s","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"%s"}]}"""
                .formatted(model, prompt);
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void streamsAnthropicsEventGrammarInOrder(String model) throws Exception {
        HttpResponse<String> r = gateway.post("/v1/messages", streamingBody(model, "stream these words please"),
                "x-api-key", MASTER_KEY, "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<Sse> events = events(r.body());
        assertThat(events).allSatisfy(e -> assertThat(e.data().get("type").asText()).isEqualTo(e.event()));
        String order = String.join(" ", events.stream().map(Sse::event).toList())
                .replaceAll("(content_block_delta ?)+", "content_block_delta+ ").trim();
        assertThat(order).isEqualTo("message_start ping content_block_start content_block_delta+ content_block_stop "
                + "message_delta message_stop");
        StringBuilder streamed = new StringBuilder();
        events.stream().filter(e -> e.event().equals("content_block_delta"))
                .forEach(e -> streamed.append(e.data().get("delta").get("text").asText()));
        assertThat(streamed).hasToString("echo: stream these words please");
        JsonNode delta = events.get(events.size() - 2).data();
        assertThat(delta.get("delta").get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.get("usage").get("output_tokens").asInt()).isPositive();
        assertThat(events.getFirst().data().get("message").get("usage").get("input_tokens").asInt()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void streamsToTheSdksAccumulatorAndDeltaHelpers(String model) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
                ask(model, "stream me please").build())) {
            stream.stream().peek(accumulator::accumulate)
                    .flatMap(event -> event.contentBlockDelta().stream())
                    .flatMap(delta -> delta.delta().text().stream())
                    .forEach(text -> deltas.add(text.text()));
        }
        Message m = accumulator.message();

        assertThat(String.join("", deltas)).isEqualTo("echo: stream me please");
        assertThat(text(m)).isEqualTo("echo: stream me please");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isPositive();
    }

    @Test
    void aMidStreamFailureEndsWithAnErrorEvent() throws Exception {
        anthropic.enqueue(Fault.disconnectAfter(5));
        HttpResponse<String> r = gateway.post("/v1/messages", streamingBody(VIA_ANTHROPIC, "this answer will break off"),
                "x-api-key", MASTER_KEY, "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(200);
        List<Sse> events = events(r.body());
        assertThat(events.getFirst().event()).isEqualTo("message_start");
        assertThat(events.getLast().event()).isEqualTo("error");
        assertThat(events.getLast().data().get("error").get("type").asText()).isNotBlank();
        assertThat(events).extracting(Sse::event).doesNotContain("message_stop");
    }

    /**
     * An upstream whose stream breaks Anthropic's grammar (a text_delta without its text) after the answer started:
     * the client's stream ends with an error event that says so, not a cut-off stream or a 500.
     */
    @Test
    void anUpstreamsMalformedDeltaEndsTheStreamWithAnUpstreamErrorEvent() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/messages", streamingBody(GARBLED, "garble mid-stream"),
                "x-api-key", MASTER_KEY, "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(200);
        List<Sse> events = events(r.body());
        assertThat(events).extracting(Sse::event).containsExactly("message_start", "ping", "content_block_start",
                "content_block_delta", "error");
        JsonNode error = events.getLast().data().get("error");
        assertThat(error.get("type").asText()).isEqualTo("api_error");
        assertThat(error.get("message").asText())
                .isEqualTo("anthropic sent a malformed stream event: text_delta for block 0 has no 'text'");
    }

    /** Garbage before any content is still the upstream's error: a 502 with Anthropic's error object. */
    @Test
    void anUpstreamsMalformedFirstEventIsABadGateway() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/messages", streamingBody(GARBLED, "garble at once"),
                "x-api-key", MASTER_KEY, "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode error = errorBody(r);
        assertThat(error.get("type").asText()).isEqualTo("api_error");
        assertThat(error.get("message").asText()).isEqualTo("anthropic sent a malformed stream event: input_json_delta "
                + "for block 2, which no content_block_start opened");
    }

    /**
     * Well-formed JSON that breaks Anthropic's event grammar: after one text delta when the prompt says "mid-stream",
     * else as the very first event. The stream goes on as if nothing were wrong: the gateway must stop reading at the
     * garbage.
     */
    private static List<String> garbledStream(RecordedRequest request) {
        List<String> data = new ArrayList<>();
        if (request.bodyJson().toString().contains("mid-stream")) {
            data.add("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_garbled\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                    + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}");
            data.add("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
            data.add("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Once\"}}");
            data.add("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\"}}");
        } else {
            data.add("{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\","
                    + "\"partial_json\":\"{}\"}}");
        }
        data.add("{\"type\":\"message_stop\"}");
        return data;
    }

    // ------------------------------------------------------------------ tools

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather in a city")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build())
                        .required(List.of("city")).build())
                .build();
    }

    private static Tool timeTool() {
        return Tool.builder().name("get_time").description("Local time in a city")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build()).build())
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void forcesANamedTool(String model) {
        MessageCreateParams params = ask(model, "Paris").addTool(weatherTool()).addTool(timeTool())
                .toolChoice(ToolChoiceTool.builder().name("get_time").build()).build();

        Message m = client.messages().create(params);
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }

        for (Message answer : List.of(m, accumulator.message())) {
            assertThat(answer.stopReason()).contains(StopReason.TOOL_USE);
            List<ToolUseBlock> uses = answer.content().stream().flatMap(b -> b.toolUse().stream()).toList();
            assertThat(uses).singleElement().satisfies(use -> {
                assertThat(use.name()).isEqualTo("get_time");
                assertThat(use.id()).isNotBlank();
                assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
            });
        }
        JsonNode sent = upstream(model).lastRequest().bodyJson();
        if (model.equals(VIA_ANTHROPIC)) {
            assertThat(sent.get("tool_choice").get("type").asText()).isEqualTo("tool");
            assertThat(sent.get("tool_choice").get("name").asText()).isEqualTo("get_time");
        } else {
            assertThat(sent.get("tool_choice").get("function").get("name").asText()).isEqualTo("get_time");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void completesAToolRoundTrip(String model) {
        MessageCreateParams.Builder conversation = ask(model, "Weather in Rome?").addTool(weatherTool())
                .toolChoice(ToolChoiceTool.builder().name("get_weather").build());
        Message call = client.messages().create(conversation.build());
        ToolUseBlock use = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();

        Message answer = client.messages().create(conversation.addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("18C and sunny").build())))
                .build());

        assertThat(text(answer)).isEqualTo("echo: 18C and sunny");
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        JsonNode messages = upstream(model).lastRequest().bodyJson().get("messages");
        if (model.equals(VIA_ANTHROPIC)) {
            JsonNode result = messages.get(2).get("content").get(0);
            assertThat(result.get("type").asText()).isEqualTo("tool_result");
            assertThat(result.get("tool_use_id").asText()).isEqualTo(use.id());
        } else {
            JsonNode result = messages.get(messages.size() - 1);
            assertThat(result.get("role").asText()).isEqualTo("tool");
            assertThat(result.get("tool_call_id").asText()).isEqualTo(use.id());
        }
    }

    /**
     * A thinking tool loop: signed and redacted thinking, a failed tool result, top_k and cache breakpoints reach an
     * Anthropic upstream as sent, and none of them an OpenAI-format one, which would refuse them.
     */
    @ParameterizedTest
    @ValueSource(strings = {VIA_ANTHROPIC, VIA_OPENAI})
    void carriesAThinkingToolLoopAndWhatOnlyAnthropicUnderstandsToAnthropicAlone(String model) {
        CacheControlEphemeral ephemeral = CacheControlEphemeral.builder().build();
        MessageCreateParams params = MessageCreateParams.builder().model(model).maxTokens(4096).enabledThinking(2048)
                .putAdditionalBodyProperty("top_k", JsonValue.from(40))
                .systemOfTextBlockParams(List.of(TextBlockParam.builder().text("Be brief.").cacheControl(ephemeral).build()))
                .addTool(weatherTool().toBuilder().cacheControl(ephemeral).build())
                .addUserMessage("Weather in Rome?")
                .addAssistantMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofThinking(ThinkingBlockParam.builder().thinking("Call the tool.")
                                .signature("EqQBCgIYAhIM1gbcDa9G").build()),
                        ContentBlockParam.ofRedactedThinking(RedactedThinkingBlockParam.builder().data("EmwKAhgBEgy3").build()),
                        ContentBlockParam.ofToolUse(ToolUseBlockParam.builder().id("toolu_1").name("get_weather")
                                .input(ToolUseBlockParam.Input.builder().putAdditionalProperty("city", JsonValue.from("Rome"))
                                        .build()).build())))
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId("toolu_1").content("weather service down").isError(true).cacheControl(ephemeral).build())))
                .build();

        assertThat(client.messages().create(params).content()).isNotEmpty();

        JsonNode sent = upstream(model).lastRequest().bodyJson();
        if (model.equals(VIA_ANTHROPIC)) {
            assertThat(sent.get("top_k").asInt()).isEqualTo(40);
            assertThat(sent.get("thinking").get("budget_tokens").asInt()).isEqualTo(2048);
            assertThat(sent.get("system").get(0).get("cache_control").get("type").asText()).isEqualTo("ephemeral");
            assertThat(sent.get("tools").get(0).has("cache_control")).isTrue();
            JsonNode assistant = sent.get("messages").get(1).get("content");
            assertThat(assistant.get(0).get("signature").asText()).isEqualTo("EqQBCgIYAhIM1gbcDa9G");
            assertThat(assistant.get(1).get("data").asText()).isEqualTo("EmwKAhgBEgy3");
            JsonNode result = sent.get("messages").get(2).get("content").get(0);
            assertThat(result.get("is_error").asBoolean()).isTrue();
            assertThat(result.has("cache_control")).isTrue();
        } else {
            assertThat(sent.toString()).doesNotContain("top_k", "thinking", "cache_control", "is_error", "EqQB", "EmwK");
            assertThat(sent.get("messages").get(2).get("content").isNull()).isTrue();
        }
    }

    @Test
    void refusesAnEmptyFinalUserTurnAsAnthropicDoesInsteadOfMakingItAPrefill() {
        MessageCreateParams params = ask(VIA_ANTHROPIC, "hi").addAssistantMessage("Hello.").addUserMessage("").build();
        assertThatThrownBy(() -> client.messages().create(params)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("messages.2: all messages must have non-empty content");
    }

    // ------------------------------------------------------------------ count_tokens, models, caching

    @Test
    void countsTokensForAServedModelAndRefusesAnUnknownOne() {
        long short_ = client.messages().countTokens(MessageCountTokensParams.builder().model(VIA_OPENAI)
                .addUserMessage("hi").build()).inputTokens();
        long long_ = client.messages().countTokens(MessageCountTokensParams.builder().model(VIA_ANTHROPIC)
                .system("You are a meticulous assistant who explains every step.")
                .addUserMessage("hi, please explain how tides work in some detail").build()).inputTokens();

        assertThat(short_).isPositive();
        assertThat(long_).isGreaterThan(short_);
        assertThatThrownBy(() -> client.messages().countTokens(MessageCountTokensParams.builder().model("ghost")
                .addUserMessage("hi").build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void listsModelsInAnthropicsShapeOnlyForAnthropicClients() throws Exception {
        List<String> ids = new ArrayList<>();
        client.models().list().autoPager().forEach(m -> ids.add(m.id()));
        ModelInfo one = client.models().retrieve(VIA_OPENAI);
        HttpResponse<String> openAiShape = gateway.get("/v1/models", "authorization", "Bearer " + MASTER_KEY);

        assertThat(ids).containsExactly(VIA_ANTHROPIC, VIA_OPENAI, CACHED, GARBLED, "switchboard/auto", "auto");
        assertThat(one.id()).isEqualTo(VIA_OPENAI);
        assertThat(one.maxInputTokens()).hasValueSatisfying(n -> assertThat(n).isPositive());
        JsonNode list = Json.parseBody(openAiShape.body().getBytes());
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data").get(0).get("object").asText()).isEqualTo("model");
        assertThat(list.has("has_more")).isFalse();
        HttpResponse<String> noKey = gateway.get("/v1/models", "anthropic-version", "2023-06-01");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(errorBody(noKey).get("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void passesPromptCacheUsageThrough() {
        MessageCreateParams params = ask(CACHED, "what changed?").system("A long, stable system prompt about the project.")
                .build();
        Message first = client.messages().create(params);
        Message second = client.messages().create(params);

        assertThat(anthropic.lastRequest().bodyJson().get("cache_control").get("type").asText()).isEqualTo("ephemeral");
        assertThat(first.usage().cacheCreationInputTokens()).hasValueSatisfying(n -> assertThat(n).isPositive());
        assertThat(first.usage().cacheReadInputTokens()).contains(0L);
        assertThat(second.usage().cacheReadInputTokens()).isEqualTo(first.usage().cacheCreationInputTokens());
        assertThat(second.usage().inputTokens()).isEqualTo(first.usage().inputTokens());
    }

    // ------------------------------------------------------------------ errors and auth

    private static JsonNode errorBody(HttpResponse<String> r) {
        JsonNode body = Json.parseBody(r.body().getBytes());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("message").asText()).isNotBlank();
        return body.get("error");
    }

    @Test
    void acceptsTheKeyAsXApiKeyOrBearerAndRefusesAWrongOne() {
        AnthropicClient bearer = AnthropicOkHttpClient.builder().baseUrl(gateway.base()).authToken(MASTER_KEY).maxRetries(0)
                .build();
        assertThat(text(bearer.messages().create(ask(VIA_OPENAI, "bearer").build()))).isEqualTo("echo: bearer");

        assertThatThrownBy(() -> client("sk-wrong").messages().create(ask(VIA_OPENAI, "hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.body().toString()).contains("authentication_error");
                });
        assertThatThrownBy(() -> client("sk-wrong").messages().countTokens(MessageCountTokensParams.builder().model(VIA_OPENAI)
                .addUserMessage("hi").build())).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void anUnknownModelIsA404NotFoundError() {
        assertThatThrownBy(() -> client.messages().create(ask("ghost-model", "hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.body().toString()).contains("not_found_error"));
    }

    @Test
    void malformedRequestsAre400InvalidRequestErrors() throws Exception {
        for (String body : List.of(
                "{\"model\":\"" + VIA_OPENAI + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"" + VIA_OPENAI + "\",\"max_tokens\":10}",
                "{\"model\":\"" + VIA_OPENAI + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"be nice\"},"
                        + "{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{not json")) {
            HttpResponse<String> r = gateway.post("/v1/messages", body, "x-api-key", MASTER_KEY, "anthropic-version", "2023-06-01");
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(errorBody(r).get("type").asText()).as(body).isEqualTo("invalid_request_error");
            assertThat(r.headers().firstValue("request-id")).isPresent();
            assertThat(Json.parseBody(r.body().getBytes()).get("request_id").asText())
                    .isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
        }
        HttpResponse<String> missing = gateway.post("/v1/messages",
                "{\"model\":\"" + VIA_OPENAI + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", MASTER_KEY);
        assertThat(errorBody(missing).get("message").asText()).contains("max_tokens");
    }

    @Test
    void anOverloadedUpstreamIsA529WithRetryAfter() {
        anthropic.enqueue(new Fault.Status(529, Optional.of("Overloaded"), Optional.empty(), Optional.of("7")));

        assertThatThrownBy(() -> client.messages().create(ask(VIA_ANTHROPIC, "hi").build()))
                .isInstanceOfSatisfying(OverloadedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(529);
                    assertThat(e.headers().values("retry-after")).containsExactly("7");
                    assertThat(e.body().toString()).contains("overloaded_error");
                });
    }

    @Test
    void aStreamThatFailsBeforeItsFirstEventGetsAnErrorStatusNotA200() throws Exception {
        anthropic.enqueue(Fault.status(529, "Overloaded"));
        HttpResponse<String> r = gateway.post("/v1/messages", streamingBody(VIA_ANTHROPIC, "busy"),
                "x-api-key", MASTER_KEY, "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(529);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        assertThat(errorBody(r).get("type").asText()).isEqualTo("overloaded_error");
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void fiftyConcurrentRequestsGetTheirOwnAnswers() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String model = i % 2 == 0 ? VIA_ANTHROPIC : VIA_OPENAI;
                String prompt = "request number " + i;
                boolean stream = i % 3 == 0;
                answers.add(pool.submit(() -> {
                    if (!stream) return text(client.messages().create(ask(model, prompt).build()));
                    MessageAccumulator accumulator = MessageAccumulator.create();
                    try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(ask(model, prompt).build())) {
                        s.stream().forEach(accumulator::accumulate);
                    }
                    return text(accumulator.message());
                }));
            }
            for (int i = 0; i < 50; i++) assertThat(answers.get(i).get()).isEqualTo("echo: request number " + i);
        }
    }

    // ------------------------------------------------------------------ switchboard/auto

    @Test
    void routesSwitchboardAutoOverSimulatedModels() throws Exception {
        // The built-in tiers, without their simulated latency.
        String tiers = DefaultConfig.yaml(name -> null).replaceAll("(?m)^\\s*simulation: .*\\n", "");
        assertThat(tiers).contains("simulated/").doesNotContain("simulation:");
        try (GatewayFixture auto = GatewayFixture.start(tiers)) {
            AnthropicClient c = AnthropicOkHttpClient.builder().baseUrl(auto.base()).apiKey("sk-anything").maxRetries(0).build();
            Message m = c.messages().create(MessageCreateParams.builder().model("switchboard/auto").maxTokens(300)
                    .system("Answer briefly.").addUserMessage("Summarise what a load balancer does.").build());
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s = c.messages().createStreaming(MessageCreateParams.builder()
                    .model("switchboard/auto").maxTokens(300).addUserMessage("Write a haiku about queues.").build())) {
                s.stream().forEach(accumulator::accumulate);
            }

            HttpResponse<String> raw = auto.post("/v1/messages", """
                    {"model":"switchboard/auto","max_tokens":300,"stream":true,
                     "messages":[{"role":"user","content":"1. Summarise what a mutex is.\\n2. Write a Python function that reverses a list."}]}""",
                    "x-api-key", "sk-anything", "anthropic-version", "2023-06-01");

            // A compound prompt is split into parts; the gateway's per-part extras stay out of Anthropic's events.
            assertThat(raw.headers().firstValue("x-switchboard-route")).hasValueSatisfying(v -> assertThat(v).startsWith("2 parts"));
            List<Sse> events = events(raw.body());
            assertThat(events.getLast().event()).isEqualTo("message_stop");
            assertThat(events).allSatisfy(e -> assertThat(e.data().has("switchboard")).isFalse());
            // A simulated model named directly, and its entry in Anthropic's model list.
            Message direct = c.messages().create(ask("llama3.2", "Name a sorting algorithm.").build());
            assertThat(c.models().retrieve("llama3.2").displayName()).isEqualTo("Meta Llama");

            for (Message answer : List.of(m, accumulator.message(), direct)) {
                assertThat(text(answer)).isNotBlank();
                assertThat(answer.stopReason()).contains(StopReason.END_TURN);
                assertThat(answer.usage().outputTokens()).isPositive();
                assertThat(answer.content()).allSatisfy(b -> assertThat(b.isText()).isTrue());
            }
        }
    }
}
