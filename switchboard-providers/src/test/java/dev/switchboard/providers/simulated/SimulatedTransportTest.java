package dev.switchboard.providers.simulated;

import static dev.switchboard.providers.simulated.SimulatedAdapterTest.chat;
import static dev.switchboard.providers.simulated.SimulatedAdapterTest.deployment;
import static dev.switchboard.providers.simulated.SimulatedAdapterTest.embeddingDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.FrameReader;
import dev.switchboard.core.spi.Framing;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.spi.WireStream;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulated provider end to end through adapter and transport, with a fake clock: nothing sleeps. */
class SimulatedTransportTest {
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final String WEATHER_TOOL = """
            {"type":"function","function":{"name":"get_current_weather","description":"Get the current weather for a location",
             "parameters":{"type":"object","properties":{
               "location":{"type":"string","description":"City and country, e.g. Paris, FR","minLength":2},
               "unit":{"type":"string","enum":["celsius","fahrenheit"]},
               "days":{"type":"integer","minimum":1,"maximum":7}},
             "required":["location","unit"],"additionalProperties":false}}}""";
    private static final String ORDER_SCHEMA = """
            {"type":"object","additionalProperties":false,
             "required":["order_id","customer","items","status","total","placed_at","notes"],
             "properties":{
               "order_id":{"type":"string","format":"uuid"},
               "customer":{"$ref":"#/$defs/customer"},
               "items":{"type":"array","minItems":2,"maxItems":5,"uniqueItems":true,"items":{"$ref":"#/$defs/item"}},
               "status":{"enum":["pending","shipped","delivered"]},
               "total":{"type":"number","exclusiveMinimum":0,"multipleOf":0.01},
               "placed_at":{"type":"string","format":"date-time"},
               "notes":{"anyOf":[{"type":"null"},{"type":"string","maxLength":20}]},
               "priority":{"type":["integer","null"],"minimum":10,"maximum":12}},
             "$defs":{
               "customer":{"type":"object","required":["name","email"],"additionalProperties":false,
                 "properties":{"name":{"type":"string","minLength":1},"email":{"type":"string","format":"email"}}},
               "item":{"type":"object","required":["sku","quantity"],"additionalProperties":false,
                 "properties":{"sku":{"type":"string","pattern":"^[a-z]+$"},"quantity":{"type":"integer","minimum":1,"multipleOf":3}}}}}""";

    private final ManualTicker ticker = new ManualTicker();
    private final RecordingSleeper sleeper = new RecordingSleeper(ticker);
    private double dice = 0.5;
    private final SimulatedTransport transport = new SimulatedTransport(ticker, TOKENS, sleeper, () -> dice);
    private final SimulatedAdapter adapter = new SimulatedAdapter(name -> null);

    // ------------------------------------------------------------------ answers

    @Test
    void answersWithAClearlySimulatedTextThatRestatesTheTaskAndNamesTheModel() {
        ChatRequest request = chat(user("Summarise the causes of the French Revolution in three bullet points."));

        ChatResponse r = complete(request, deployment("llama3.2", null));

        assertThat(r.text()).contains("Simulated answer").contains("`llama3.2`")
                .contains("Summarise the causes of the French Revolution").contains("no language model");
        assertThat(r.systemFingerprint()).contains("simulated");
        assertThat(r.model()).isEqualTo("llama3.2");
        assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.STOP);
        assertThat(sleeper.sleeps).isEmpty();
    }

    @Test
    void countsUsageWithTheRealTokenizer() {
        ChatRequest request = chat(user("How many tokens is this prompt?"));

        ChatResponse r = complete(request, deployment("m", null));

        Usage u = r.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(TOKENS.countPrompt(request));
        assertThat(u.completionTokens()).isEqualTo(TOKENS.count(r.text())).isGreaterThan(20);
    }

    @Test
    void theSameRequestGetsTheSameAnswerUnderANewIdAndTheSeedVariesIt() {
        ChatResponse firstResponse = complete(chat(user("Explain recursion.")), deployment("m", null));
        ChatResponse againResponse = complete(chat(user("Explain recursion.")), deployment("m", null));
        String first = firstResponse.text();
        String again = againResponse.text();
        Set<String> bySeed = new HashSet<>();
        for (int seed = 1; seed <= 6; seed++) {
            bySeed.add(complete(chat("{\"model\":\"m\",\"seed\":" + seed + ",\"messages\":[{\"role\":\"user\",\"content\":\"Explain recursion.\"}]}"),
                    deployment("m", null)).text());
        }

        assertThat(again).isEqualTo(first);
        assertThat(againResponse.id()).startsWith("chatcmpl-sim-").isNotEqualTo(firstResponse.id());
        assertThat(bySeed).hasSizeGreaterThan(1);
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() {
        ChatResponse r = complete(chat("{\"model\":\"m\",\"max_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"Write an essay.\"}]}"),
                deployment("m", null));

        assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.LENGTH);
        assertThat(r.usage().orElseThrow().completionTokens()).isLessThanOrEqualTo(7).isEqualTo(TOKENS.count(r.text()));
        assertThat(r.text()).isNotEmpty();
    }

    @Test
    void theAnswerKnobGivesDeliberatelyPoorAnswersWithHonestUsage() {
        ChatRequest request = chat(user("Explain how a hash map handles collisions."));

        ChatResponse refusal = complete(request, deployment("m", "{\"answer\":\"refusal\"}"));
        ChatResponse dontKnow = complete(request, deployment("m", "{\"answer\":\"dont-know\"}"));
        ChatResponse empty = complete(request, deployment("m", "{\"answer\":\"empty\"}"));
        ChatResponse truncated = complete(request, deployment("m", "{\"answer\":\"truncated\"}"));
        ChatResponse normal = complete(request, deployment("m", "{\"answer\":\"normal\"}"));
        ChatResponse invalidJson = complete(request, deployment("m", "{\"answer\":\"invalid-json\"}"));

        assertThat(refusal.text()).startsWith("I'm sorry, but I can't help").contains("Simulated refusal");
        assertThat(dontKnow.text()).startsWith("I don't know.");
        assertThat(empty.text()).isEmpty();
        assertThat(empty.usage().orElseThrow().completionTokens()).isZero();
        assertThat(truncated.choices().getFirst().finishReason()).contains(FinishReason.LENGTH);
        assertThat(normal.text()).startsWith(truncated.text()).hasSizeGreaterThan(truncated.text().length());
        assertThat(truncated.usage().orElseThrow().completionTokens()).isEqualTo(TOKENS.count(truncated.text()));
        assertThat(invalidJson.text()).startsWith("{");
        assertThatThrownBy(() -> Json.parseBody(invalidJson.text().getBytes())).isInstanceOf(RuntimeException.class);
        assertThat(List.of(refusal, dontKnow, empty, invalidJson))
                .allSatisfy(r -> assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.STOP));
    }

    @Test
    void aStreamedPoorAnswerIsTheSameAsTheWholeOne() {
        Deployment d = deployment("m", "{\"answer\":\"refusal\"}");
        List<ChatChunk> chunks = stream(chat(streamUser("Explain recursion.")), d, Timeouts.DEFAULT);

        assertThat(contentOf(chunks)).isEqualTo(complete(chat(user("Explain recursion.")), d).text());
    }

    @Test
    void aStopSequenceEndsTheAnswerBeforeIt() {
        ChatResponse r = complete(chat("{\"model\":\"m\",\"stop\":[\"offline simulator\"],\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"),
                deployment("m", null));

        assertThat(r.text()).endsWith("Switchboard's ").doesNotContain("offline simulator");
        assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.STOP);
    }

    @Test
    void nAsksForSeveralChoicesAndUsageCountsThemAll() {
        ChatResponse r = complete(chat("{\"model\":\"m\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour.\"}]}"),
                deployment("m", null));

        assertThat(r.choices()).extracting(c -> c.index()).containsExactly(0, 1, 2);
        int completion = r.choices().stream().mapToInt(c -> TOKENS.count(c.message().text())).sum();
        assertThat(r.usage().orElseThrow().completionTokens()).isEqualTo(completion);
    }

    // ------------------------------------------------------------------ tools and JSON

    @Test
    void callsAToolThePromptFitsWithSchemaValidArguments() {
        ChatResponse r = complete(chat("{\"model\":\"m\",\"tools\":[" + WEATHER_TOOL + "],\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather today in Paris?\"}]}"),
                deployment("m", null));

        ToolCall call = r.choices().getFirst().message().toolCalls().getFirst();
        assertThat(call.name()).isEqualTo("get_current_weather");
        assertThat(call.id()).startsWith("call_");
        JsonNode args = Json.parseBody(call.arguments().getBytes());
        assertValid(Json.parseBody(WEATHER_TOOL.getBytes()).at("/function/parameters"), args);
        assertThat(args.get("location").asText()).isEqualTo("Paris");
        assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(r.choices().getFirst().message().content()).isEmpty();
    }

    @Test
    void answersInTextWhenNoToolFitsAndCallsOneWhenToolChoiceRequiresIt() {
        String base = "{\"model\":\"m\",\"tools\":[" + WEATHER_TOOL + "],\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a joke.\"}]";

        ChatResponse auto = complete(chat(base + "}"), deployment("m", null));
        ChatResponse required = complete(chat(base + ",\"tool_choice\":\"required\"}"), deployment("m", null));
        ChatResponse none = complete(chat("{\"model\":\"m\",\"tool_choice\":\"none\",\"tools\":[" + WEATHER_TOOL
                + "],\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}"), deployment("m", null));

        assertThat(auto.choices().getFirst().message().toolCalls()).isEmpty();
        assertThat(required.choices().getFirst().message().toolCalls()).extracting(ToolCall::name).containsExactly("get_current_weather");
        assertThat(none.choices().getFirst().message().toolCalls()).isEmpty();
    }

    @Test
    void afterAToolResultItAnswersInTextAboutTheResult() {
        ChatResponse r = complete(chat("""
                {"model":"m","tools":[%s],"messages":[
                  {"role":"user","content":"What is the weather today in Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"22 degrees and sunny"}]}""".formatted(WEATHER_TOOL)),
                deployment("m", null));

        assertThat(r.choices().getFirst().message().toolCalls()).isEmpty();
        assertThat(r.text()).contains("22 degrees and sunny");
    }

    @Test
    void jsonSchemaAnswersValidateAgainstTheirSchema() {
        JsonNode schema = Json.parseBody(ORDER_SCHEMA.getBytes());
        for (int seed = 0; seed < 20; seed++) {
            ChatResponse r = complete(chat("{\"model\":\"m\",\"seed\":" + seed + ",\"messages\":[{\"role\":\"user\",\"content\":\"Order for Ada Lovelace\"}],"
                    + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"order\",\"strict\":true,\"schema\":" + ORDER_SCHEMA + "}}}"),
                    deployment("m", null));

            assertValid(schema, Json.parseBody(r.text().getBytes()));
        }
    }

    @Test
    void generatedValuesMeetSchemasThatOnlyASmallValueOrANarrowRangeSatisfies() {
        List<String> schemas = List.of(
                "{\"type\":\"array\",\"items\":false}",
                "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"}],\"items\":false}",
                "{\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}},\"required\":[\"c\"]}",
                "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                        + "\"next\":{\"anyOf\":[{\"$ref\":\"#/$defs/node\"},{\"type\":\"null\"}]}},\"required\":[\"name\",\"next\"],"
                        + "\"additionalProperties\":false}},\"$ref\":\"#/$defs/node\"}",
                "{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":0.001}",
                "{\"type\":\"number\",\"minimum\":0,\"exclusiveMinimum\":0,\"maximum\":0.0005}",
                "{\"type\":\"integer\",\"exclusiveMinimum\":0.5,\"exclusiveMaximum\":2}");
        for (String text : schemas) {
            JsonNode schema = Json.parseBody(text.getBytes());
            for (int seed = 0; seed < 10; seed++) {
                // Tool-call arguments and json_schema answers both come from this generator.
                assertValid(schema, new SchemaValueGenerator(schema, "Order for Ada Lovelace", seed).generate());
            }
        }
        assertThat(new SchemaValueGenerator(Json.parseBody(schemas.getFirst().getBytes()), "", 1).generate()).isEmpty();
    }

    @Test
    void jsonObjectAnswersAreAJsonObjectSayingTheyAreSimulated() {
        ChatResponse r = complete(chat("{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"List three fruits as JSON\"}]}"),
                deployment("gemma3:4b", null));

        JsonNode json = Json.parseBody(r.text().getBytes());
        assertThat(json.get("simulated").asBoolean()).isTrue();
        assertThat(json.get("model").asText()).isEqualTo("gemma3:4b");
    }

    // ------------------------------------------------------------------ timing

    @Test
    void aCompleteAnswerTakesTimeToFirstTokenPlusTokensAtTheConfiguredSpeed() {
        ChatResponse r = complete(chat(user("Describe the water cycle.")),
                deployment("m", "{\"time-to-first-token\":\"120ms\",\"tokens-per-second\":100}"));

        int tokens = pieceTokens(r.text());
        assertThat(ticker.elapsed()).isEqualTo(Duration.ofMillis(120 + 10L * (tokens - 1)));
    }

    @Test
    void aStreamDeliversItsFirstEventAtTimeToFirstTokenAndPacesTheRest() throws IOException {
        Deployment d = deployment("m", "{\"time-to-first-token\":\"250ms\",\"tokens-per-second\":50}");
        ChatRequest request = chat("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Describe the water cycle.\"}]}");

        try (WireStream wire = transport.open(adapter.toWire(request, d), Timeouts.DEFAULT)) {
            assertThat(wire.status()).isEqualTo(200);
            assertThat(ticker.elapsed()).isZero();
            List<ChatChunk> chunks = new ArrayList<>();
            List<Duration> arrivals = new ArrayList<>();
            StreamDecoder decoder = adapter.newStreamDecoder(request);
            FrameReader frames = new FrameReader(wire.body(), Framing.SSE);
            for (Optional<Frame> f = frames.next(); f.isPresent(); f = frames.next()) {
                for (ChatChunk c : decoder.decode(f.get())) {
                    chunks.add(c);
                    arrivals.add(ticker.elapsed());
                }
            }
            decoder.finish();

            assertThat(chunks.getFirst().choices().getFirst().role()).contains(Role.ASSISTANT);
            assertThat(arrivals.getFirst()).isEqualTo(Duration.ofMillis(250));
            String text = contentOf(chunks);
            assertThat(text).contains("Simulated answer");
            assertThat(arrivals.getLast()).isEqualTo(Duration.ofMillis(250 + 20L * (pieceTokens(text) - 1)));
            assertThat(arrivals).isSorted();
            assertThat(sleeper.sleeps.size()).isGreaterThan(10);
            ChatChunk usage = chunks.getLast();
            assertThat(usage.usage().orElseThrow().completionTokens()).isEqualTo(TOKENS.count(text));
            assertThat(chunks).allSatisfy(c -> assertThat(c.systemFingerprint()).contains("simulated"));
        }
    }

    @Test
    void streamsToolCallsAsDeltasWhoseArgumentsJoinIntoValidJson() throws IOException {
        ChatRequest request = chat("{\"model\":\"m\",\"stream\":true,\"tools\":[" + WEATHER_TOOL
                + "],\"messages\":[{\"role\":\"user\",\"content\":\"What's the weather in Lisbon?\"}]}");

        List<ChatChunk> chunks = stream(request, deployment("m", null), Timeouts.DEFAULT);

        List<ToolCallDelta> deltas = chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.toolCalls().stream()).toList();
        assertThat(deltas.getFirst().id()).isPresent();
        assertThat(deltas.getFirst().name()).contains("get_current_weather");
        assertThat(deltas.size()).isGreaterThan(2);
        String args = deltas.stream().map(d -> d.arguments().orElse("")).reduce("", String::concat);
        assertValid(Json.parseBody(WEATHER_TOOL.getBytes()).at("/function/parameters"), Json.parseBody(args.getBytes()));
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(ChunkChoice::finishReason).flatMap(Optional::stream))
                .containsExactly(FinishReason.TOOL_CALLS);
    }

    @Test
    void aStallPausesTheStreamOnceForTheConfiguredTime() {
        Deployment d = deployment("m", "{\"tokens-per-second\":1000,\"stall-after-tokens\":5,\"stall-for\":\"3s\"}");

        List<ChatChunk> chunks = stream(chat(streamUser("Describe the water cycle.")), d, Timeouts.DEFAULT);

        assertThat(sleeper.sleeps).contains(Duration.ofSeconds(3).plusMillis(1));
        assertThat(ticker.elapsed()).isEqualTo(Duration.ofMillis(3000 + pieceTokens(contentOf(chunks)) - 1));
    }

    @Test
    void aStallLongerThanTheIdleTimeoutTimesTheStreamOutAfterTheIdleLimit() throws IOException {
        Deployment d = deployment("m", "{\"stall-after-tokens\":3,\"stall-for\":\"2m\"}");
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(10));

        try (WireStream wire = transport.open(adapter.toWire(chat(streamUser("Describe the water cycle.")), d), timeouts)) {
            assertThatThrownBy(() -> wire.body().readAllBytes()).isInstanceOf(InterruptedIOException.class);
        }
        assertThat(ticker.elapsed()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void failAfterTokensBreaksTheStreamAfterThatManyTokens() throws IOException {
        Deployment d = deployment("m", "{\"fail-after-tokens\":6}");
        ChatRequest request = chat(streamUser("Describe the water cycle."));
        List<ChatChunk> chunks = new ArrayList<>();

        try (WireStream wire = transport.open(adapter.toWire(request, d), Timeouts.DEFAULT)) {
            StreamDecoder decoder = adapter.newStreamDecoder(request);
            FrameReader frames = new FrameReader(wire.body(), Framing.SSE);
            assertThatThrownBy(() -> {
                for (Optional<Frame> f = frames.next(); f.isPresent(); f = frames.next()) chunks.addAll(decoder.decode(f.get()));
            }).isInstanceOf(IOException.class).hasMessageContaining("fail-after-tokens");
        }
        assertThat(pieceTokens(contentOf(chunks))).isLessThanOrEqualTo(6).isGreaterThan(0);
        assertThatThrownBy(() -> complete(chat(user("Describe the water cycle.")), d))
                .isInstanceOf(GatewayException.ConnectionFailed.class);
    }

    @Test
    void aStreamsTimeToFirstTokenBeyondTheFirstByteTimeoutIsAnUpstreamTimeout() {
        Deployment d = deployment("m", "{\"time-to-first-token\":\"30s\"}");
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(10));

        try (WireStream wire = transport.open(adapter.toWire(chat(user("hi")).withStream(true), d), timeouts)) {
            assertThatThrownBy(() -> wire.body().read()).isInstanceOf(IOException.class);
        }
        assertThat(ticker.elapsed()).isEqualTo(Duration.ofSeconds(5));
    }

    /** The first-byte timeout is LiteLLM's stream_timeout: a whole answer is bounded by the total alone. */
    @Test
    void aWholeAnswerIsBoundedByTheTotalTimeoutNotTheFirstByteOne() {
        Deployment d = deployment("m", "{\"time-to-first-token\":\"30s\"}");
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(10));

        assertThat(transport.send(adapter.toWire(chat(user("hi")), d), timeouts).status()).isEqualTo(200);
        assertThat(ticker.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));

        Duration before = ticker.elapsed();
        Timeouts shortTotal = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(20));
        assertThatThrownBy(() -> transport.send(adapter.toWire(chat(user("hi")), d), shortTotal))
                .isInstanceOf(GatewayException.UpstreamTimeout.class);
        assertThat(ticker.elapsed().minus(before)).isEqualTo(Duration.ofSeconds(20));
    }

    // ------------------------------------------------------------------ faults

    @Test
    void theErrorRateInjectsTheConfiguredStatusAsAnOpenAiError() {
        Deployment d = deployment("m", "{\"error-rate\":0.25,\"error-status\":503}");

        dice = 0.2;
        WireResponse failed = transport.send(adapter.toWire(chat(user("hi")), d), Timeouts.DEFAULT);
        dice = 0.3;
        WireResponse served = transport.send(adapter.toWire(chat(user("hi")), d), Timeouts.DEFAULT);

        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.headers().first("Retry-After")).contains("1");
        assertThat(Json.parseBody(failed.body()).at("/error/message").asText()).contains("Simulated fault");
        assertThat(adapter.mapError(failed.status(), failed.headers(), failed.body())).isInstanceOf(GatewayException.Overloaded.class);
        assertThat(served.status()).isEqualTo(200);
    }

    @Test
    void aStreamedRequestThatDrawsAFaultGetsTheErrorStatusBeforeAnyByte() {
        Deployment d = deployment("m", "{\"error-rate\":1,\"error-status\":429}");
        dice = 0.99;

        try (WireStream wire = transport.open(adapter.toWire(chat(streamUser("hi")), d), Timeouts.DEFAULT)) {
            assertThat(wire.status()).isEqualTo(429);
            assertThat(adapter.mapError(wire.status(), wire.headers(), wire.body().readAllBytes()))
                    .isInstanceOf(GatewayException.RateLimited.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPromptOverTheContextWindowIsRefusedAsAContextWindowError() {
        Deployment small = new Deployment("d", "g", "simulated", "m", Optional.empty(), Optional.empty(), Map.of(), Json.object(),
                java.util.OptionalInt.empty(), java.util.OptionalInt.empty(), 1, Timeouts.DEFAULT,
                new dev.switchboard.core.config.ModelInfo(java.util.OptionalInt.empty(), Optional.empty(), Set.of(), 50, 10,
                        dev.switchboard.core.config.Prices.FREE, "chat", Optional.empty()));

        WireResponse r = transport.send(adapter.toWire(chat(user("word ".repeat(100))), small), Timeouts.DEFAULT);

        assertThat(r.status()).isEqualTo(400);
        assertThat(adapter.mapError(r.status(), r.headers(), r.body())).isInstanceOf(GatewayException.ContextWindowExceeded.class);
    }

    // ------------------------------------------------------------------ embeddings

    @Test
    void embeddingsAreDeterministicUnitVectorsThatHonourDimensions() {
        var request = OpenAiEmbeddingsCodec.parseRequest(Json.parseBody(
                "{\"model\":\"e\",\"input\":[\"the cat sat on the mat\",\"a cat sat on a mat\",\"quarterly revenue grew\"]}".getBytes()));
        var sized = OpenAiEmbeddingsCodec.parseRequest(Json.parseBody("{\"model\":\"e\",\"input\":\"hello\",\"dimensions\":64}".getBytes()));

        EmbeddingResponse r = embed(request);
        EmbeddingResponse again = embed(request);
        EmbeddingResponse small = embed(sized);

        assertThat(r.vectors()).hasSize(3).allSatisfy(v -> {
            assertThat(v).hasSize(384);
            assertThat(norm(v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        });
        assertThat(again.vectors().get(0)).containsExactly(r.vectors().get(0));
        assertThat(dot(r.vectors().get(0), r.vectors().get(1))).isGreaterThan(dot(r.vectors().get(0), r.vectors().get(2)) + 0.3);
        assertThat(small.vectors().getFirst()).hasSize(64);
        var tooWide = OpenAiEmbeddingsCodec.parseRequest(Json.parseBody("{\"model\":\"e\",\"input\":\"hello\",\"dimensions\":385}".getBytes()));
        WireResponse refused = transport.send(adapter.toWire(tooWide, embeddingDeployment("e")), Timeouts.DEFAULT);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.bodyText()).contains("'dimensions'", "384");
        assertThat(r.usage().promptTokens()).isEqualTo(TOKENS.count("the cat sat on the mat") + TOKENS.count("a cat sat on a mat")
                + TOKENS.count("quarterly revenue grew"));
    }

    @Test
    void anEmbeddingInputLongerThanTheContextWindowIsRefusedAsOpenAiRefusesIt() {
        // embeddingDeployment's window is 8192 tokens.
        String longText = "word ".repeat(9000);
        String ids = java.util.stream.IntStream.range(0, 8193).mapToObj(i -> "1").collect(java.util.stream.Collectors.joining(","));
        for (String body : List.of("{\"model\":\"e\",\"input\":[\"short\",\"" + longText + "\"]}",
                "{\"model\":\"e\",\"input\":[" + ids + "]}", "{\"model\":\"e\",\"input\":[[1,2],[" + ids + "]]}")) {
            var request = OpenAiEmbeddingsCodec.parseRequest(Json.parseBody(body.getBytes()));
            WireResponse refused = transport.send(adapter.toWire(request, embeddingDeployment("e")), Timeouts.DEFAULT);

            assertThat(refused.status()).isEqualTo(400);
            JsonNode error = Json.parseBody(refused.body()).get("error");
            assertThat(error.get("message").asText()).startsWith("This model's maximum context length is 8192 tokens, however you requested ");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(adapter.mapError(refused.status(), refused.headers(), refused.body()))
                    .isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> assertThat(e.status()).isEqualTo(400));
        }
        String fits = java.util.stream.IntStream.range(0, 8192).mapToObj(i -> "1").collect(java.util.stream.Collectors.joining(","));
        assertThat(embed(OpenAiEmbeddingsCodec.parseRequest(Json.parseBody(("{\"model\":\"e\",\"input\":[" + fits + "]}").getBytes())))
                .vectors()).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private ChatResponse complete(ChatRequest request, Deployment d) {
        WireResponse r = transport.send(adapter.toWire(request, d), Timeouts.DEFAULT);
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        return adapter.fromWire(r, request);
    }

    private List<ChatChunk> stream(ChatRequest request, Deployment d, Timeouts timeouts) {
        List<ChatChunk> chunks = new ArrayList<>();
        try (WireStream wire = transport.open(adapter.toWire(request, d), timeouts)) {
            StreamDecoder decoder = adapter.newStreamDecoder(request);
            FrameReader frames = new FrameReader(wire.body(), Framing.SSE);
            for (Optional<Frame> f = frames.next(); f.isPresent(); f = frames.next()) chunks.addAll(decoder.decode(f.get()));
            chunks.addAll(decoder.finish());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return chunks;
    }

    private EmbeddingResponse embed(dev.switchboard.core.model.EmbeddingRequest request) {
        WireResponse r = transport.send(adapter.toWire(request, embeddingDeployment("e")), Timeouts.DEFAULT);
        return adapter.embeddingsFromWire(r, request);
    }

    /** Tokens as the simulator paces them: piece by piece. */
    private static int pieceTokens(String text) {
        return new SimulatedResponder(TOKENS).pieces(text).stream().mapToInt(SimulatedCompletion.Piece::tokens).sum();
    }

    private static String contentOf(List<ChatChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.content().stream()).reduce("", String::concat);
    }

    private static String user(String text) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + Json.NODES.textNode(text) + "}]}";
    }

    private static String streamUser(String text) {
        return "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":" + Json.NODES.textNode(text) + "}]}";
    }

    private static void assertValid(JsonNode schema, JsonNode instance) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        Set<ValidationMessage> errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(schema, config).validate(instance);
        assertThat(errors).as("%s against %s", instance, schema).isEmpty();
    }

    private static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
