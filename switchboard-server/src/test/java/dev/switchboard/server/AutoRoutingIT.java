package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.wire.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cost-aware orchestration end to end: split, route, run in parallel, merge, record — on simulated tiers. */
class AutoRoutingIT {
    static final String DEMO = "Write the API reference documentation for our REST /users endpoints AND implement the "
            + "OAuth2 Bearer-token middleware in Python FastAPI.";
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Path db = Files.createTempDirectory("switchboard-it").resolve("ledger.db");
        StringBuilder yaml = new StringBuilder("model_list:\n");
        String[][] tiers = {{"1", "granite4.1:3b"}, {"2", "llama3.2"}, {"3", "gemma3:4b"}, {"4", "mistral-small3.2"}};
        for (String[] t : tiers) {
            yaml.append("""
                      - model_name: "%s"
                        litellm_params: {model: "simulated/%s", simulation: {time-to-first-token: 700ms}}
                        model_info: {id: "tier%s", tier: %s}
                    """.formatted(t[1], t[1], t[0], t[0]));
        }
        yaml.append("""
                switchboard:
                  server: {port: 0}
                  ledger: {store: sqlite, path: "%s", flush-interval: 10ms}
                """.formatted(db));
        gateway = GatewayFixture.start(yaml.toString());
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.v1()).apiKey("sk-x").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String body(String model, String prompt, boolean stream) {
        return Json.text(Json.object().put("model", model).put("stream", stream).set("messages",
                Json.NODES.arrayNode().add(Json.object().put("role", "user").put("content", prompt))));
    }

    @Test
    void splitsTheSeedPromptAndSendsEachPartToTheCheapestGoodEnoughTier() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("switchboard/auto", DEMO, false));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = Json.parseBody(r.body().getBytes());
        JsonNode parts = answer.at("/switchboard/parts");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).get("task_type").asText()).isEqualTo("documentation");
        assertThat(parts.get(1).get("task_type").asText()).isEqualTo("code_generation");
        assertThat(parts.get(0).get("model_tier").asInt()).isLessThan(parts.get(1).get("model_tier").asInt());
        assertThat(parts.get(0).get("candidates")).hasSize(4);
        assertThat(parts.get(0).get("status").asText()).isEqualTo("ok");
        String content = answer.at("/choices/0/message/content").asText();
        assertThat(content.indexOf("## 1. Documentation")).isLessThan(content.indexOf("## 2. Code generation"));
        assertThat(answer.at("/usage/completion_tokens").asInt())
                .isEqualTo(parts.get(0).at("/usage/completion_tokens").asInt() + parts.get(1).at("/usage/completion_tokens").asInt());
        assertThat(r.headers().firstValue("x-switchboard-route").orElseThrow()).startsWith("2 parts; 0=documentation>");
    }

    @Test
    void partsRunInParallelSoWallTimeIsTheSlowestPartNotTheSum() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("switchboard/auto", DEMO, false));
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        JsonNode parts = Json.parseBody(r.body().getBytes()).at("/switchboard/parts");
        long sum = parts.get(0).get("latency_ms").asLong() + parts.get(1).get("latency_ms").asLong();
        long slowest = Math.max(parts.get(0).get("latency_ms").asLong(), parts.get(1).get("latency_ms").asLong());
        assertThat(slowest).isGreaterThanOrEqualTo(700); // each part waits its time to first token
        assertThat(wallMs).isLessThan(sum).isLessThan(slowest + 600);
    }

    @Test
    void theOfficialSdkStreamsThePartsInPromptOrder() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams
                .builder().model("switchboard/auto").addUserMessage(DEMO).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertThat(text.indexOf("## 1. Documentation")).isGreaterThanOrEqualTo(0).isLessThan(text.indexOf("## 2. Code generation"));
    }

    /** The legacy completions endpoint routes the same way, and its objects carry the same report. */
    @Test
    void aLegacyCompletionIsRoutedAndReportedAsAChatIs() throws Exception {
        String legacy = Json.text(Json.object().put("model", "switchboard/auto").put("prompt", DEMO).put("max_tokens", 400));
        JsonNode whole = Json.parseBody(gateway.post("/v1/completions", legacy).body().getBytes());
        assertThat(whole.get("object").asText()).isEqualTo("text_completion");
        assertThat(whole.at("/switchboard/parts")).hasSize(2);
        assertThat(whole.at("/choices/0/text").asText()).contains("## 1. Documentation", "## 2. Code generation");

        HttpResponse<String> streamed = gateway.post("/v1/completions", legacy.replace("{", "{\"stream\":true,"));
        List<JsonNode> events = new ArrayList<>();
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {")) events.add(Json.parseBody(line.substring(6).getBytes()));
        }
        assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
        assertThat(events).allMatch(e -> e.get("object").asText().equals("text_completion"));
        assertThat(events.getFirst().at("/switchboard/event").asText()).isEqualTo("plan");
        assertThat(events.getLast().at("/switchboard/event").asText()).isEqualTo("summary");
    }

    @Test
    void theRawStreamCarriesThePlanFirstPartEventsAndASummaryLast() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("switchboard/auto", DEMO, true));
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) events.add(Json.parseBody(line.substring(6).getBytes()));
        }
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        assertThat(events.getFirst().at("/switchboard/event").asText()).isEqualTo("plan");
        assertThat(events.getFirst().at("/switchboard/parts")).hasSize(2);
        assertThat(events.getLast().at("/switchboard/event").asText()).isEqualTo("summary");
        assertThat(events.stream().filter(e -> e.at("/switchboard/event").asText().equals("part_done")).count()).isEqualTo(2);
        List<Integer> partOrder = events.stream().filter(e -> e.at("/switchboard/part").isInt())
                .map(e -> e.at("/switchboard/part").asInt()).distinct().toList();
        assertThat(partOrder).containsExactly(0, 1);
        assertThat(events).noneMatch(e -> e.hasNonNull("usage")); // the client did not ask for usage

        ObjectNode withUsage = (ObjectNode) Json.parseBody(body("switchboard/auto", DEMO, true).getBytes());
        withUsage.putObject("stream_options").put("include_usage", true);
        List<JsonNode> counted = new ArrayList<>();
        for (String line : gateway.post("/v1/chat/completions", Json.text(withUsage)).body().split("\n")) {
            if (line.startsWith("data: {")) counted.add(Json.parseBody(line.substring(6).getBytes()));
        }
        // As OpenAI ends such a stream: usage alone on a last chunk with no choices, after the finish reason.
        assertThat(counted.getLast().get("choices")).isEmpty();
        assertThat(counted.getLast().at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(counted.stream().filter(e -> e.hasNonNull("usage"))).hasSize(1);
        JsonNode beforeLast = counted.get(counted.size() - 2);
        assertThat(beforeLast.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(beforeLast.at("/switchboard/event").asText()).isEqualTo("summary");
    }

    private static final String TOOLS = """
            [{"type":"function","function":{"name":"get_weather","description":"Current weather in a city",
              "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""";

    @Test
    void aRequestRoutedAsOneTaskGetsTheModelsWholeAnswer() throws Exception {
        String prompt = "What is the weather in Paris and write a haiku about spring";
        ObjectNode withTools = (ObjectNode) Json.parseBody(body("switchboard/auto", prompt, false).getBytes());
        withTools.set("tools", Json.TREE.readTree(TOOLS));
        JsonNode answer = Json.parseBody(gateway.post("/v1/chat/completions", Json.text(withTools)).body().getBytes());

        assertThat(answer.at("/model").asText()).isEqualTo("switchboard/auto");
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(answer.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(Json.parseBody(answer.at("/choices/0/message/tool_calls/0/function/arguments").asText().getBytes())
                .get("city").asText()).isEqualTo("Paris");
        assertThat(answer.at("/switchboard/decomposed").asBoolean()).isFalse();
        assertThat(answer.at("/switchboard/parts/0/status").asText()).isEqualTo("ok");
        assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(answer.at("/switchboard/parts/0/usage/completion_tokens").asInt());

        ChatCompletion two = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("switchboard/auto").addUserMessage(DEMO).n(2).build());
        assertThat(two.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L);
        assertThat(two.choices().get(1).message().content().orElseThrow()).doesNotContain("## 2.");
    }

    @Test
    void aStreamRoutedAsOneTaskPassesToolCallDeltasThrough() throws Exception {
        ObjectNode withTools = (ObjectNode) Json.parseBody(body("switchboard/auto", "What is the weather in Oslo?", true).getBytes());
        withTools.set("tools", Json.TREE.readTree(TOOLS));
        withTools.putObject("stream_options").put("include_usage", true);
        HttpResponse<String> r = gateway.post("/v1/chat/completions", Json.text(withTools));
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) events.add(Json.parseBody(line.substring(6).getBytes()));
        }
        StringBuilder args = new StringBuilder();
        events.forEach(e -> e.at("/choices/0/delta/tool_calls").forEach(tc -> args.append(tc.at("/function/arguments").asText())));

        assertThat(Json.parseBody(args.toString().getBytes()).get("city").asText()).isEqualTo("Oslo");
        assertThat(events).allSatisfy(e -> assertThat(e.get("model").asText()).isEqualTo("switchboard/auto"));
        assertThat(events.getFirst().at("/switchboard/event").asText()).isEqualTo("plan");
        assertThat(events.getLast().at("/switchboard/event").asText()).isEqualTo("summary");
        assertThat(events.getLast().at("/usage/completion_tokens").asInt()).isPositive(); // usage last, as OpenAI ends a stream
        assertThat(events.stream().filter(e -> e.hasNonNull("usage"))).hasSize(1);
        assertThat(events.stream().filter(e -> e.at("/choices/0/finish_reason").asText().equals("tool_calls"))).hasSize(1);
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aPlainModelCallKeepsOpenAisExactShape() throws Exception {
        JsonNode answer = Json.parseBody(gateway.post("/v1/chat/completions", body("llama3.2", "hello", false)).body().getBytes());
        assertThat(answer.has("switchboard")).isFalse();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("llama3.2")
                .addUserMessage("hello").build());
        assertThat(c.choices().getFirst().message().content().orElseThrow()).contains("Simulated");
    }

    @Test
    void theDryRunExplainsWithoutCallingAnyModel() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/route", "{\"prompt\":" + Json.NODES.textNode(DEMO) + "}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode plan = Json.parseBody(r.body().getBytes());
        assertThat(plan.get("parts")).hasSize(2);
        JsonNode candidate = plan.at("/parts/0/candidates/0");
        assertThat(candidate.has("quality") && candidate.has("cost") && candidate.has("utility") && candidate.has("reason")).isTrue();
        assertThat(plan.at("/parts/0").has("latency_ms")).isFalse();
        HttpResponse<String> empty = gateway.post("/v1/route", "{\"prompt\":\" \"}");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(Json.parseBody(empty.body().getBytes()).at("/error/param").asText()).isEqualTo("prompt");
    }

    /** A wrong-typed field is named with what it must be, and a body with both forms is refused rather than half read. */
    @Test
    void theDryRunRefusesWrongTypesAndAmbiguousBodiesNamingTheField() throws Exception {
        String[][] cases = {
                {"{\"prompt\":42}", "prompt", "'prompt' must be a string"},
                {"{\"prompt\":[\"a\"]}", "prompt", "'prompt' must be a string"},
                {"{\"prompt\":\"hi\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}", "messages",
                        "Send either 'prompt' or 'messages'"},
                {"{\"prompt\":\"hi\",\"model\":42}", "model", "Invalid type for 'model': expected a string"},
                {"{\"prompt\":\"hi\",\"model\":{}}", "model", "Invalid type for 'model': expected a string"},
                {"{}", "prompt", "Send {\"prompt\": \"...\"} or a chat body with 'messages'"}};
        for (String[] c : cases) {
            HttpResponse<String> r = gateway.post("/v1/route", c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode error = Json.parseBody(r.body().getBytes()).get("error");
            assertThat(error.get("type").asText()).as(c[0]).isEqualTo("invalid_request_error");
            assertThat(error.get("param").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(error.get("message").asText()).as(c[0]).contains(c[2]);
        }
        // null is the same as leaving a field out, as in OpenAI's API.
        assertThat(gateway.post("/v1/route", "{\"prompt\":\"hi\",\"model\":null,\"messages\":null}").statusCode()).isEqualTo(200);
    }

    /** Both documented forms work; a body that is both, or neither well typed, is a 400 naming the field, never a 500. */
    @Test
    void feedbackRefusesConflictingOrWrongTypedFieldsNamingTheField() throws Exception {
        HttpResponse<String> call = gateway.post("/v1/chat/completions", body("llama3.2", "hi", false), "x-request-id", "fb-1");
        assertThat(call.statusCode()).isEqualTo(200);
        String[][] cases = {
                {"{\"request_id\":\"fb-1\",\"score\":0.5,\"thumbs\":\"up\"}", "400", "thumbs", "not both"},
                {"{\"request_id\":\"fb-1\",\"score\":1.5}", "400", "score", "between 0 and 1"},
                {"{\"request_id\":\"fb-1\",\"score\":-0.1}", "400", "score", "between 0 and 1"},
                {"{\"request_id\":\"fb-1\",\"score\":\"0.5\"}", "400", "score", "expected a number"},
                {"{\"request_id\":\"fb-1\",\"thumbs\":true}", "400", "thumbs", "expected a string"},
                {"{\"request_id\":\"fb-1\",\"thumbs\":\"sideways\"}", "400", "thumbs", "'up' or 'down'"},
                {"{\"request_id\":42,\"score\":0.5}", "400", "request_id", "expected a string"},
                {"{\"request_id\":[\"fb-1\"],\"score\":0.5}", "400", "request_id", "expected a string"},
                {"{\"score\":0.5}", "400", "request_id", "Missing required parameter"},
                {"{\"request_id\":\"fb-1\"}", "400", "score", "Send 'score'"},
                {"{\"request_id\":\"no-such-request\",\"score\":0.5}", "404", "request_id", "No ledger record"}};
        for (String[] c : cases) {
            HttpResponse<String> r = gateway.post("/v1/feedback", c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            JsonNode error = Json.parseBody(r.body().getBytes()).get("error");
            assertThat(error.get("type").asText()).as(c[0]).isEqualTo("invalid_request_error");
            assertThat(error.get("param").asText()).as(c[0]).isEqualTo(c[2]);
            assertThat(error.get("message").asText()).as(c[0]).contains(c[3]);
        }
        // An unknown id of any length is quoted in part: the gateway keeps none longer than 128 characters.
        HttpResponse<String> unknown = gateway.post("/v1/feedback", "{\"request_id\":\"" + "x".repeat(5000) + "\",\"score\":0.5}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).hasSizeLessThan(400).contains("x".repeat(128) + "…");
        for (String ok : List.of("{\"request_id\":\"fb-1\",\"score\":0.8}", "{\"request_id\":\"fb-1\",\"score\":1}",
                "{\"request_id\":\"fb-1\",\"thumbs\":\"down\"}", "{\"request_id\":\"fb-1\",\"thumbs\":\"up\",\"score\":null}")) {
            assertThat(gateway.post("/v1/feedback", ok).statusCode()).as(ok).isEqualTo(200);
        }
    }

    @Test
    void decompositionCanBeTurnedOffPerRequest() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("auto", DEMO, false), "x-switchboard-decompose", "off");
        assertThat(Json.parseBody(r.body().getBytes()).at("/switchboard/parts")).hasSize(1);
    }

    @Test
    void everyPartIsInTheLedgerAndFeedbackAttaches() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("switchboard/auto", DEMO, false), "x-request-id", "ledger-1");
        assertThat(r.statusCode()).isEqualTo(200);
        var ledger = gateway.server.engine().ledger().orElseThrow();
        ledger.flush().get();
        List<LedgerRecord> records = ledger.find("ledger-1");
        assertThat(records).hasSize(2).allSatisfy(rec -> {
            assertThat(rec.parentRequestId()).hasValue("ledger-1");
            assertThat(rec.taskType()).isPresent();
            assertThat(rec.status()).isEqualTo(LedgerRecord.OK);
        });
        HttpResponse<String> fb = gateway.post("/v1/feedback", "{\"request_id\":\"ledger-1\",\"thumbs\":\"up\"}");
        assertThat(fb.statusCode()).isEqualTo(200);
        assertThat(gateway.post("/v1/feedback", "{\"request_id\":\"nope\",\"score\":0.5}").statusCode()).isEqualTo(404);
        assertThat(gateway.post("/v1/feedback", "{\"request_id\":\"ledger-1\",\"score\":7}").statusCode()).isEqualTo(400);
        JsonNode stats = Json.parseBody(gateway.get("/v1/switchboard/stats").body().getBytes());
        assertThat(stats.get("calls").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(stats.get("avg_quality").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aPartThatFailsIsReportedInItsSectionWhileTheOthersArrive() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start("""
                model_list:
                  - model_name: writer
                    litellm_params: {model: simulated/writer}
                    model_info: {tier: 1, task-types: [documentation, summarisation, qa_simple]}
                  - model_name: coder
                    litellm_params: {model: simulated/coder, simulation: {error-rate: 1.0, error-status: 500}}
                    model_info: {tier: 3, task-types: [code_generation, code_review, reasoning]}
                router_settings: {num_retries: 0}
                """)) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", body("switchboard/auto", DEMO, false));
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode answer = Json.parseBody(r.body().getBytes());
            assertThat(answer.at("/switchboard/parts/0/status").asText()).isEqualTo("ok");
            assertThat(answer.at("/switchboard/parts/1/status").asText()).isEqualTo("error");
            assertThat(answer.at("/choices/0/message/content").asText()).contains("Simulated answer").contains("This part failed");

            HttpResponse<String> plain = gw.post("/v1/chat/completions", body("coder", "hello", false));
            assertThat(plain.statusCode()).isBetween(500, 599);
            assertThat(Json.parseBody(plain.body().getBytes()).at("/error/type").asText()).isEqualTo("server_error");
        }
    }

    @Test
    void aPartsHeadingNamesTheModelThatAnsweredAfterAFallback() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start("""
                model_list:
                  - model_name: writer
                    litellm_params: {model: simulated/writer, simulation: {error-rate: 1.0, error-status: 500}}
                    model_info: {tier: 1, task-types: [documentation, summarisation, qa_simple]}
                  - model_name: coder
                    litellm_params: {model: simulated/coder}
                    model_info: {tier: 3, task-types: [code_generation, code_review, reasoning]}
                  - model_name: backup
                    litellm_params: {model: simulated/backup}
                    model_info: {tier: 4, task-types: [code_generation]}
                router_settings: {num_retries: 0, fallbacks: [{writer: [backup]}]}
                """)) {
            JsonNode answer = Json.parseBody(gw.post("/v1/chat/completions", body("switchboard/auto", DEMO, false)).body().getBytes());
            assertThat(answer.at("/switchboard/parts/0/model").asText()).isEqualTo("writer");
            assertThat(answer.at("/switchboard/parts/0/answered_model").asText()).isEqualTo("backup");
            String content = answer.at("/choices/0/message/content").asText();
            assertThat(content).contains("— backup (simulated)").doesNotContain("— writer");

            String streamed = gw.post("/v1/chat/completions", body("switchboard/auto", DEMO, true)).body();
            StringBuilder text = new StringBuilder();
            for (String line : streamed.split("\n")) {
                if (!line.startsWith("data: {")) continue;
                JsonNode delta = Json.parseBody(line.substring(6).getBytes()).at("/choices/0/delta/content");
                if (delta.isTextual()) text.append(delta.asText());
            }
            assertThat(text.toString()).contains("— backup (simulated)").doesNotContain("— writer");
        }
    }

    @Test
    void anEmptyPromptIsABadRequest() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("switchboard/auto", "   ", false));
        assertThat(r.statusCode()).isEqualTo(400);
    }
}
