package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.FakeUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK, unmodified, against the real server in front of a fake OpenAI upstream. */
class OpenAiSdkIT {
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.openAi();
        gateway = gatewayFor(upstream);
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.v1()).apiKey("sk-anything").maxRetries(0).build();
    }

    /** A chat and an embedding model, both on {@code upstream}: what the SDK tests (Java, Node and Python) call. */
    static GatewayFixture gatewayFor(FakeUpstream upstream) {
        return GatewayFixture.start("""
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-upstream}
                  - model_name: text-embedding-3-small
                    litellm_params: {model: openai/text-embedding-3-small, api_base: "%s", api_key: sk-upstream}
                    model_info: {mode: embedding}
                """.formatted(upstream.apiBase(), upstream.apiBase()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String prompt) {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addSystemMessage("Be brief.").addUserMessage(prompt);
    }

    @Test
    void answersANonStreamingChatWithUsage() {
        ChatCompletion c = client.chat().completions().create(ask("hello there").maxCompletionTokens(50).seed(7).user("u-1").build());
        assertThat(c.choices().getFirst().message().content()).hasValue("echo: hello there");
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        JsonNode sent = upstream.lastRequest().bodyJson();
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.get("seed").asInt()).isEqualTo(7);
        assertThat(upstream.lastRequest().headers().first("authorization")).hasValue("Bearer sk-upstream");
    }

    @Test
    void streamsWithUsageWhenAsked() {
        List<String> pieces = new ArrayList<>();
        List<Long> usage = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ask("stream me please")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(pieces::add));
                chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
            });
        }
        assertThat(String.join("", pieces)).isEqualTo("echo: stream me please");
        assertThat(usage).singleElement().satisfies(n -> assertThat(n).isPositive());
    }

    @Test
    void streamsWithoutAUsageChunkWhenNotAsked() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ask("no usage").build())) {
            stream.stream().forEach(chunks::add);
        }
        assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.usage()).isEmpty());
    }

    private static ChatCompletionTool weatherTool(String name) {
        return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name(name).description("Current weather in a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
                .build()).build());
    }

    @Test
    void returnsParallelToolCalls() {
        ChatCompletion c = client.chat().completions().create(ask("weather in Paris and Rome")
                .addTool(weatherTool("get_weather")).addTool(weatherTool("get_forecast")).build());
        List<ChatCompletionMessageToolCall> calls = c.choices().getFirst().message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(2);
        assertThat(calls.getFirst().asFunction().function().name()).isEqualTo("get_weather");
        assertThat(Json.parseBody(calls.getFirst().asFunction().function().arguments().getBytes()).has("city")).isTrue();
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");
    }

    @Test
    void streamsToolCallDeltas() {
        StringBuilder args = new StringBuilder();
        List<String> names = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ask("weather in Oslo").addTool(weatherTool("get_weather")).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> {
                tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
            }))));
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(Json.parseBody(args.toString().getBytes()).has("city")).isTrue();
    }

    @Test
    void honoursAJsonSchemaResponseFormat() {
        ChatCompletion c = client.chat().completions().create(ask("give me a person").responseFormat(ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name("person").strict(true)
                        .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("name", Map.of("type", "string"),
                                        "age", Map.of("type", "integer"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("name", "age"))).build())
                        .build()).build()).build());
        JsonNode person = Json.parseBody(c.choices().getFirst().message().content().orElseThrow().getBytes());
        assertThat(person.get("name").isTextual()).isTrue();
        assertThat(person.get("age").isIntegralNumber()).isTrue();
        assertThat(upstream.lastRequest().bodyJson().at("/response_format/json_schema/name").asText()).isEqualTo("person");
    }

    @Test
    void forwardsFieldsTheGatewayDoesNotKnow() {
        client.chat().completions().create(ask("x").putAdditionalBodyProperty("some_future_field", JsonValue.from(Map.of("a", 1)))
                .putAdditionalBodyProperty("reasoning_effort", JsonValue.from("low")).build());
        JsonNode sent = upstream.lastRequest().bodyJson();
        assertThat(sent.at("/some_future_field/a").asInt()).isEqualTo(1);
        assertThat(sent.get("reasoning_effort").asText()).isEqualTo("low");
    }

    @Test
    void embedsAsBase64ByDefaultAndAsFloatsWhenAsked() {
        CreateEmbeddingResponse b64 = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("hello world").build());
        CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("hello world").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        List<Float> a = b64.data().getFirst().embedding();
        List<Float> b = floats.data().getFirst().embedding();
        assertThat(a).isNotEmpty().isEqualTo(b);
        assertThat(upstream.lastRequest().bodyJson().get("encoding_format").asText()).isEqualTo("float");
    }

    @Test
    void listsAndFindsModels() {
        List<String> ids = new ArrayList<>();
        client.models().list().autoPager().forEach(m -> ids.add(m.id()));
        assertThat(ids).contains("gpt-4o-mini", "text-embedding-3-small");
        Model m = client.models().retrieve("gpt-4o-mini");
        assertThat(m.ownedBy()).isEqualTo("openai");
        // The cost-aware router's names are listed too, so clients that pick from the list can pick it.
        assertThat(ids).contains("switchboard/auto", "auto");
        assertThat(client.models().retrieve("switchboard/auto").ownedBy()).isEqualTo("switchboard");
        assertThatThrownBy(() -> client.models().retrieve("nope")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anUnknownModelIsA404WithAnOpenAiErrorObject() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("no-such-model")
                .addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("no-such-model");
                });
    }

    @Test
    void fiftyConcurrentMixedRequestsGetTheirOwnAnswers() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String prompt = "request number " + i;
                boolean stream = i % 2 == 0;
                results.add(pool.submit(() -> {
                    if (!stream) return client.chat().completions().create(ask(prompt).build()).choices().getFirst().message().content().orElse("");
                    StringBuilder sb = new StringBuilder();
                    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask(prompt).build())) {
                        s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(sb::append)));
                    }
                    return sb.toString();
                }));
            }
            for (int i = 0; i < 50; i++) assertThat(results.get(i).get()).isEqualTo("echo: request number " + i);
        }
    }

    /**
     * Log-probs reach the client as the upstream gave them, whole and streamed: from a model group, and from a cascade,
     * which asks each tier for a whole answer and replays the accepted one to a streaming client.
     */
    @Test
    void logprobsReachTheClientFromAModelAndFromACascade() {
        try (GatewayFixture gw = GatewayFixture.start("""
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-upstream}
                  - model_name: gpt-4o
                    litellm_params: {model: openai/gpt-4o, api_base: "%s", api_key: sk-upstream}
                switchboard:
                  cascades:
                    cheap-first: {models: [gpt-4o-mini, gpt-4o]}
                """.formatted(upstream.apiBase(), upstream.apiBase()))) {
            OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey("sk-anything").maxRetries(0).build();
            for (String model : List.of("gpt-4o-mini", "cheap-first")) {
                ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(model)
                        .addUserMessage("name a colour").logprobs(true).build();
                List<String> whole = new ArrayList<>();
                c.chat().completions().create(params).choices().getFirst().logprobs().flatMap(l -> l.content())
                        .ifPresent(tokens -> tokens.forEach(t -> whole.add(t.token())));
                List<String> streamed = new ArrayList<>();
                try (StreamResponse<ChatCompletionChunk> stream = c.chat().completions().createStreaming(params)) {
                    stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.logprobs().flatMap(l -> l.content())
                            .ifPresent(tokens -> tokens.forEach(t -> streamed.add(t.token())))));
                }
                assertThat(whole).as(model).containsExactly("echo: ", "name ", "a ", "colour");
                assertThat(streamed).as(model + ", streamed").isEqualTo(whole);
            }
        }
    }

    /** The legacy completions endpoint runs as chat: the prompt is the user message, OpenAI's default of 16 tokens kept. */
    @Test
    void completesALegacyPromptAsAChat() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("gpt-4o-mini")
                .prompt("Say this is a test").temperature(0.5).user("u-2").build());

        assertThat(c.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.text()).isEqualTo("echo: Say this is a test");
            assertThat(choice.finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
            assertThat(choice.logprobs()).isEmpty();
        });
        assertThat(c.id()).startsWith("cmpl-");
        assertThat(c.model()).isEqualTo("gpt-4o-mini");
        assertThat(c.usage().orElseThrow().totalTokens()).isPositive();
        JsonNode sent = upstream.lastRequest().bodyJson();
        assertThat(upstream.lastRequest().path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.get("messages")).isEqualTo(Json.MAPPER.valueToTree(List.of(Map.of("role", "user",
                "content", "Say this is a test"))));
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(16);
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.get("user").asText()).isEqualTo("u-2");
        assertThat(sent.has("prompt")).isFalse();
    }

    @Test
    void streamsALegacyCompletionWithTheEchoedPromptAndUsage() {
        StringBuilder text = new StringBuilder();
        List<CompletionChoice.FinishReason> finishes = new ArrayList<>();
        List<Long> usage = new ArrayList<>();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(CompletionCreateParams.builder()
                .model("gpt-4o-mini").prompt("Once upon a time").echo(true).maxTokens(3)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                assertThat(chunk.id()).startsWith("cmpl-");
                chunk.choices().forEach(ch -> {
                    text.append(ch.text());
                    ch._finishReason().asKnown().ifPresent(finishes::add);
                });
                chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
            });
        }
        // Cut at three tokens by the upstream, as max_tokens asks.
        assertThat(text.toString()).startsWith("Once upon a timeecho: ").isNotEqualTo("Once upon a timeecho: Once upon a time");
        assertThat(finishes).containsExactly(CompletionChoice.FinishReason.LENGTH);
        assertThat(usage).singleElement().satisfies(n -> assertThat(n).isBetween(1L, 3L));
        assertThat(upstream.lastRequest().bodyJson().get("max_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void legacyLogprobsComeInTheLegacyLayout() {
        CompletionChoice choice = client.completions().create(CompletionCreateParams.builder().model("gpt-4o-mini")
                .prompt("name a colour").logprobs(2L).build()).choices().getFirst();

        CompletionChoice.Logprobs logprobs = choice.logprobs().orElseThrow();
        assertThat(String.join("", logprobs.tokens().orElseThrow())).isEqualTo(choice.text());
        assertThat(logprobs.tokens().orElseThrow()).containsExactly("echo: ", "name ", "a ", "colour");
        assertThat(logprobs.textOffset().orElseThrow()).containsExactly(0L, 6L, 11L, 13L);
        assertThat(logprobs.tokenLogprobs().orElseThrow()).containsOnly(-0.25);
        JsonNode sent = upstream.lastRequest().bodyJson();
        assertThat(sent.get("logprobs").asBoolean()).isTrue();
        assertThat(sent.get("top_logprobs").asInt()).isEqualTo(2);
    }

    /** What a chat model cannot do is a 400 naming the parameter, never an approximation. */
    @Test
    void legacyRequestsAChatModelCannotServeAreRefusedByName() {
        Map<String, CompletionCreateParams> refused = Map.of(
                "prompt", CompletionCreateParams.builder().model("gpt-4o-mini").promptOfArrayOfTokens(List.of(1L, 2L)).build(),
                "suffix", CompletionCreateParams.builder().model("gpt-4o-mini").prompt("def f(").suffix("return x").build(),
                "best_of", CompletionCreateParams.builder().model("gpt-4o-mini").prompt("hi").bestOf(3L).build());
        refused.forEach((param, params) -> assertThatThrownBy(() -> client.completions().create(params))
                .as(param).isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue(param)));
    }
}
