package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake Anthropic Messages API over real sockets: the wire as Anthropic's API reference describes it. */
class AnthropicUpstreamIT {
    private static final String WEATHER_TOOL = """
            {"name":"get_weather","description":"Weather by city","input_schema":{"type":"object",
             "properties":{"city":{"type":"string"}},"required":["city"]}}""";

    private final FakeUpstream upstream = FakeUpstream.anthropic();
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        upstream.close();
        client.close();
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream.apiBase() + path))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> messages(String body) throws IOException, InterruptedException {
        return post("/v1/messages", body, "x-api-key", "sk-ant", "anthropic-version", "2023-06-01");
    }

    private static JsonNode json(HttpResponse<String> r) {
        return Json.parseBody(r.body().getBytes());
    }

    /** event name, then data, for each SSE event. */
    private static List<String[]> events(String body) {
        List<String[]> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String[] e = new String[2];
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) e[0] = line.substring(7);
                if (line.startsWith("data: ")) e[1] = line.substring(6);
            }
            if (e[0] != null) out.add(e);
        }
        return out;
    }

    @Test
    void answersAMessageWithUsage() throws Exception {
        JsonNode m = json(messages("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}"));

        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.path("id").asText()).startsWith("msg_");
        assertThat(m.path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("echo: hi there");
        assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.path("stop_sequence").isNull()).isTrue();
        assertThat(m.path("usage").path("input_tokens").asInt()).isPositive();
        assertThat(m.path("usage").path("cache_read_input_tokens").asInt()).isZero();
        assertThat(m.path("usage").path("output_tokens").asInt()).isPositive();
    }

    @Test
    void refusesRequestsWithoutKeyVersionOrMaxTokens() throws Exception {
        String body = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        HttpResponse<String> noKey = post("/v1/messages", body, "anthropic-version", "2023-06-01");
        HttpResponse<String> noVersion = post("/v1/messages", body, "x-api-key", "sk-ant");
        HttpResponse<String> noMax = messages("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey).path("error").path("type").asText()).isEqualTo("authentication_error");
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(noMax.statusCode()).isEqualTo(400);
        assertThat(json(noMax).path("type").asText()).isEqualTo("error");
        assertThat(json(noMax).path("error").path("message").asText()).contains("max_tokens");
        assertThat(json(noMax).path("request_id").asText()).startsWith("req_");
    }

    @Test
    void endsAtAStopSequenceOrAtMaxTokensAsTheApiReportsThem() throws Exception {
        JsonNode stopped = json(messages("""
                {"model":"m","max_tokens":50,"stop_sequences":["##"],"messages":[{"role":"user","content":"one ## two"}]}"""));
        JsonNode cut = json(messages("""
                {"model":"m","max_tokens":2,"messages":[{"role":"user","content":"a rather long prompt to echo back"}]}"""));

        assertThat(stopped.path("content").get(0).path("text").asText()).isEqualTo("echo: one ");
        assertThat(stopped.path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(stopped.path("stop_sequence").asText()).isEqualTo("##");
        assertThat(cut.path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(cut.path("usage").path("output_tokens").asInt()).isLessThanOrEqualTo(2);
    }

    @Test
    void callsTheForcedToolWithInputFromItsSchema() throws Exception {
        JsonNode m = json(messages("""
                {"model":"m","max_tokens":50,"tools":[%s],"tool_choice":{"type":"tool","name":"get_weather"},
                 "messages":[{"role":"user","content":"Paris"}]}""".formatted(WEATHER_TOOL)));

        JsonNode use = m.path("content").get(0);
        assertThat(m.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).startsWith("toolu_");
        assertThat(use.path("name").asText()).isEqualTo("get_weather");
        assertThat(use.path("input").path("city").asText()).isEqualTo("Paris");
    }

    @Test
    void streamsTheFullEventGrammar() throws Exception {
        HttpResponse<String> r = messages("""
                {"model":"m","max_tokens":50,"stream":true,"tools":[%s],"messages":[{"role":"user","content":"Rome"}]}"""
                .formatted(WEATHER_TOOL));
        List<String[]> events = events(r.body());

        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(events).extracting(e -> e[0]).containsExactly("message_start", "ping", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
                "message_stop");
        for (String[] e : events) assertThat(Json.parseBody(e[1].getBytes()).path("type").asText()).isEqualTo(e[0]);
        StringBuilder input = new StringBuilder();
        events.stream().filter(e -> e[0].equals("content_block_delta"))
                .map(e -> Json.parseBody(e[1].getBytes()).path("delta"))
                .forEach(d -> {
                    assertThat(d.path("type").asText()).isEqualTo("input_json_delta");
                    input.append(d.path("partial_json").asText());
                });
        assertThat(Json.parseBody(input.toString().getBytes()).path("city").asText()).isEqualTo("Rome");
        JsonNode delta = Json.parseBody(events.get(7)[1].getBytes());
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.path("usage").path("output_tokens").asInt()).isPositive();
    }

    @Test
    void reportsACacheWriteThenACacheReadForAMarkedSystemPrompt() throws Exception {
        String body = """
                {"model":"m","max_tokens":50,"system":[{"type":"text","text":"A long and stable system prompt.",
                 "cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"%s"}]}""";
        JsonNode first = json(messages(body.formatted("first"))).path("usage");
        JsonNode second = json(messages(body.formatted("second"))).path("usage");

        assertThat(first.path("cache_creation_input_tokens").asInt()).isPositive();
        assertThat(first.path("cache_read_input_tokens").asInt()).isZero();
        assertThat(second.path("cache_creation_input_tokens").asInt()).isZero();
        assertThat(second.path("cache_read_input_tokens").asInt()).isEqualTo(first.path("cache_creation_input_tokens").asInt());
    }

    @Test
    void rendersFaultsAsAnthropicErrorsAndTruncatesWithoutMessageStop() throws Exception {
        upstream.enqueue(Fault.status(529, "Overloaded"));
        upstream.enqueue(Fault.truncate());
        HttpResponse<String> overloaded = messages("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        HttpResponse<String> truncated = messages("{\"model\":\"m\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(json(overloaded).path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(events(truncated.body())).extracting(e -> e[0]).contains("message_delta").doesNotContain("message_stop");
    }

    @Test
    void countsTokensAndListsModels() throws Exception {
        JsonNode count = json(post("/v1/messages/count_tokens", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
                "x-api-key", "sk-ant", "anthropic-version", "2023-06-01"));
        JsonNode models = json(client.send(HttpRequest.newBuilder(URI.create(upstream.apiBase() + "/v1/models"))
                .header("x-api-key", "sk-ant").header("anthropic-version", "2023-06-01").GET().build(),
                HttpResponse.BodyHandlers.ofString()));

        assertThat(count.path("input_tokens").asInt()).isPositive();
        assertThat(models.path("data").findValuesAsText("id")).containsExactly("claude-haiku-4-5", "claude-sonnet-4-5");
        assertThat(models.path("data").get(0).path("type").asText()).isEqualTo("model");
        assertThat(models.path("has_more").asBoolean()).isFalse();
    }
}
