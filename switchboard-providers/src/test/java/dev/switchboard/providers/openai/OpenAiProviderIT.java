package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.Fault;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The openai provider found by the engine through its plugin, driven in-process against a fake upstream. */
class OpenAiProviderIT {
    private FakeUpstream upstream;
    private FakeUpstream spare;
    private Switchboard switchboard;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.openAi();
        spare = FakeUpstream.openAi();
    }

    @AfterEach
    void stop() {
        if (switchboard != null) switchboard.close();
        upstream.close();
        spare.close();
    }

    private Switchboard engine(String yaml) {
        var config = new ConfigLoader(name -> null, Switchboard.availableProviders()).parse(yaml, "test");
        switchboard = Switchboard.create(config);
        return switchboard;
    }

    private Switchboard engine() {
        return engine("""
                model_list:
                  - model_name: smart
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-local-test}
                    timeouts: {idle-timeout: 400ms, first-byte-timeout: 2s}
                  - model_name: embed
                    litellm_params: {model: openai/text-embedding-3-small, api_base: "%1$s", api_key: sk-local-test}
                    model_info: {mode: embedding}
                router_settings: {num_retries: 0}
                """.formatted(upstream.apiBase()));
    }

    private static ChatRequest fromClient(String json) throws IOException {
        return OpenAiCodec.parseChatRequest(Json.MAPPER.readTree(json));
    }

    private static List<ChatChunk> drain(ChatStream stream) {
        List<ChatChunk> chunks = new ArrayList<>();
        try (stream) {
            Optional<ChatChunk> c;
            while ((c = stream.next()).isPresent()) chunks.add(c.get());
        }
        return chunks;
    }

    private static String text(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk c : chunks) for (ChunkChoice ch : c.choices()) ch.content().ifPresent(sb::append);
        return sb.toString();
    }

    @Test
    void theOpenAiPluginAndTransportAreFoundOnTheClassPath() {
        assertThat(Switchboard.availableProviders()).contains("openai");
    }

    @Test
    void aChatIsAnsweredByTheUpstreamUnderItsOwnModelName() {
        ChatResponse response = engine().chat(ChatRequest.builder("smart").message(Message.user("hi there")).build());

        assertThat(response.text()).isEqualTo("echo: hi there");
        assertThat(response.usage().orElseThrow().completionTokens()).isPositive();
        JsonNode sent = upstream.lastRequest().bodyJson();
        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(upstream.lastRequest().headers().first("Authorization")).contains("Bearer sk-local-test");
    }

    @Test
    void fieldsTheGatewayDoesNotKnowReachTheUpstream() throws IOException {
        ChatRequest request = fromClient("""
                {"model":"smart","messages":[{"role":"user","content":"hi"}],
                 "store":true,"reasoning_effort":"low","logit_bias":{"50256":-100},"x_vendor":{"a":[1,2]}}""");

        engine().chat(request);

        JsonNode sent = upstream.lastRequest().bodyJson();
        assertThat(sent.path("store").asBoolean()).isTrue();
        assertThat(sent.path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(sent.path("logit_bias").path("50256").asInt()).isEqualTo(-100);
        assertThat(sent.path("x_vendor").path("a")).hasSize(2);
    }

    @Test
    void aStreamDeliversTheTextAndTheUsageEvenWhenTheClientDidNotAskForIt() throws IOException {
        ChatRequest request = fromClient("{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream me please\"}]}");

        List<ChatChunk> chunks = drain(engine().stream(request));

        assertThat(text(chunks)).isEqualTo("echo: stream me please");
        Usage usage = chunks.getLast().usage().orElseThrow();
        assertThat(usage.promptTokens()).isPositive();
        assertThat(upstream.lastRequest().bodyJson().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    /**
     * OpenAI always ends a stream with a usage chunk; a compatible server that sends none gets one counted by the
     * gateway, marked as its estimate. The fake upstream counts with the same tokenizer, so the counts must match the
     * usage it sends when it does.
     */
    @Test
    void aStreamWhoseUpstreamSendsNoUsageEndsWithTheGatewaysEstimateMarkedAsOne() throws IOException {
        Switchboard engine = engine();
        String body = "{\"model\":\"smart\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"count these words for me\"}]}";
        Usage counted = drain(engine.stream(fromClient(body))).getLast().usage().orElseThrow();

        upstream.enqueue(Fault.omitUsage());
        List<ChatChunk> chunks = drain(engine.stream(fromClient(body)));

        assertThat(text(chunks)).isEqualTo("echo: count these words for me");
        ChatChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(counted.promptTokens()).isPositive();
            assertThat(u.completionTokens()).isEqualTo(counted.completionTokens()).isPositive();
        });
        assertThat(last.extras().orElseThrow().path("switchboard").path("usage_estimated").asBoolean()).isTrue();
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    }

    @Test
    void parallelToolCallsComeBackWhole() {
        ObjectNode body = (ObjectNode) OpenAiFixtures.json("request-tools.json");
        ObjectNode time = body.withArray("tools").addObject().put("type", "function");
        time.putObject("function").put("name", "get_time").putObject("parameters").put("type", "object")
                .putObject("properties").putObject("timezone").put("type", "string");

        ChatResponse response = engine().chat(OpenAiCodec.parseChatRequest(body));

        List<ToolCall> calls = response.choices().getFirst().message().toolCalls();
        assertThat(calls).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
        assertThat(calls).extracting(ToolCall::id).doesNotHaveDuplicates();
        assertThat(calls.getFirst().arguments()).contains("Paris");
    }

    @Test
    void streamedToolCallDeltasCarryIdNameAndArguments() throws IOException {
        ObjectNode body = (ObjectNode) OpenAiFixtures.json("request-tools.json");
        body.put("stream", true);

        List<ChatChunk> chunks = drain(engine().stream(OpenAiCodec.parseChatRequest(body)));

        StringBuilder args = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (ChatChunk c : chunks) {
            for (ChunkChoice ch : c.choices()) {
                ch.toolCalls().forEach(d -> {
                    d.name().ifPresent(names::add);
                    args.append(d.arguments().orElse(""));
                });
            }
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(Json.MAPPER.readTree(args.toString()).path("location").asText()).contains("Paris");
    }

    @Test
    void aJsonSchemaRequestGetsValidJsonBack() throws IOException {
        ChatResponse response = engine().chat(OpenAiCodec.parseChatRequest(OpenAiFixtures.json("request-json-schema.json")));

        JsonNode answer = Json.MAPPER.readTree(response.text());
        assertThat(answer.has("name")).isTrue();
        assertThat(answer.path("participants").isArray()).isTrue();
        assertThat(upstream.lastRequest().bodyJson().path("response_format").path("json_schema").path("name").asText())
                .isEqualTo("calendar_event");
    }

    @Test
    void embeddingsAreFetchedAsFloatsWhateverTheClientAsked() {
        ObjectNode body = Json.object().put("model", "embed").put("encoding_format", "base64");
        body.putArray("input").add("first").add("second");
        EmbeddingRequest request = OpenAiEmbeddingsCodec.parseRequest(body);

        EmbeddingResponse response = engine().embed(request);

        assertThat(response.vectors()).hasSize(2);
        assertThat(response.vectors().get(0)).isNotEqualTo(response.vectors().get(1));
        assertThat(upstream.lastRequest().path()).isEqualTo("/v1/embeddings");
        assertThat(upstream.lastRequest().bodyJson().path("encoding_format").asText()).isEqualTo("float");
    }

    @Test
    void anUpstreamRateLimitSurfacesWithItsRetryHint() {
        upstream.enqueue(Fault.rateLimited(3));

        assertThatThrownBy(() -> engine().chat(ChatRequest.builder("smart").message(Message.user("hi")).build()))
                .isInstanceOfSatisfying(GatewayException.RateLimited.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(3)));
    }

    @Test
    void aContextWindowRejectionIsItsOwnType() {
        upstream.enqueue(Fault.status(400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."));

        assertThatThrownBy(() -> engine().chat(ChatRequest.builder("smart").message(Message.user("hi")).build()))
                .isInstanceOf(GatewayException.ContextWindowExceeded.class);
    }

    @Test
    void aStreamRejectedBeforeItsFirstByteIsAnExceptionNotAStream() {
        upstream.enqueue(Fault.status(503, "The engine is currently overloaded, please try again later."));

        assertThatThrownBy(() -> engine().stream(ChatRequest.builder("smart").message(Message.user("hi")).build()))
                .isInstanceOf(GatewayException.Overloaded.class);
    }

    /** Azure-style OpenAI-compatible servers take the API version as a query on api_base: every call sends it. */
    @Test
    void aQueryOnTheApiBaseReachesTheUpstreamOnEveryCall() throws IOException {
        Switchboard engine = engine("""
                model_list:
                  - model_name: smart
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s?api-version=2024-10-21", api_key: sk-local-test}
                  - model_name: embed
                    litellm_params: {model: openai/text-embedding-3-small, api_base: "%1$s/?api-version=2024-10-21", api_key: sk-local-test}
                    model_info: {mode: embedding}
                router_settings: {num_retries: 0}
                """.formatted(upstream.apiBase()));

        assertThat(engine.chat(ChatRequest.builder("smart").message(Message.user("hi there")).build()).text())
                .isEqualTo("echo: hi there");
        assertThat(text(drain(engine.stream(fromClient(
                "{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}")))))
                .isEqualTo("echo: stream me");
        assertThat(engine.embed(OpenAiEmbeddingsCodec.parseRequest(Json.object().put("model", "embed").put("input", "x")))
                .vectors()).hasSize(1);

        assertThat(upstream.requests()).extracting(r -> r.path() + "?" + r.query()).containsExactly(
                "/v1/chat/completions?api-version=2024-10-21", "/v1/chat/completions?api-version=2024-10-21",
                "/v1/embeddings?api-version=2024-10-21");
    }

    @Test
    void aStreamThatStallsMidwayEndsWithAnUpstreamTimeout() {
        upstream.enqueue(Fault.stallAfter(3));

        ChatStream stream = engine().stream(ChatRequest.builder("smart").message(Message.user("one two three four")).build());

        assertThatThrownBy(() -> drain(stream)).isInstanceOf(GatewayException.UpstreamTimeout.class);
    }

    @Test
    void aStreamCutOffMidwayEndsWithAConnectionFailure() {
        upstream.enqueue(Fault.disconnectAfter(2));

        ChatStream stream = engine().stream(ChatRequest.builder("smart").message(Message.user("one two three four")).build());

        assertThatThrownBy(() -> drain(stream)).isInstanceOf(GatewayException.ConnectionFailed.class);
    }

    @Test
    void aStreamAnsweredWithAPlainJsonBodyFailsInsteadOfEndingEmpty() {
        upstream.enqueue(Fault.rawError(200, "{\"object\":\"chat.completion\",\"choices\":[]}"));

        assertThatThrownBy(() -> engine().stream(ChatRequest.builder("smart").message(Message.user("hi")).build()))
                .isInstanceOf(GatewayException.UpstreamError.class).hasMessageContaining("without sending any event");
    }

    @Test
    void aMalformedEventIsSkippedAndTheRestOfTheStreamArrives() {
        upstream.enqueue(Fault.malformedJson());

        List<ChatChunk> chunks = drain(engine().stream(ChatRequest.builder("smart").message(Message.user("all of it")).build()));

        assertThat(text(chunks)).isEqualTo("echo: all of it");
    }

    @Test
    void aRefusedDeploymentFallsBackToTheOtherOneInItsGroup() {
        upstream.refuseConnections();
        Switchboard engine = engine("""
                model_list:
                  - model_name: smart
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s"}
                  - model_name: smart
                    litellm_params: {model: openai/gpt-4o, api_base: "%s"}
                """.formatted(upstream.apiBase(), spare.apiBase()));

        ChatResponse response = engine.chat(ChatRequest.builder("smart").message(Message.user("anyone?")).build());

        assertThat(response.text()).isEqualTo("echo: anyone?");
        assertThat(spare.requests()).hasSize(1);
        assertThat(spare.lastRequest().headers().first("Authorization")).isEmpty();
    }
}
