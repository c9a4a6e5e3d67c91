package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake upstream over real sockets, with the JDK's client (the testkit must not depend on the providers). */
class FakeUpstreamIT {
    private final FakeUpstream upstream = FakeUpstream.openAi();
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        upstream.close();
        client.close();
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(upstream.apiBase() + path))
                .header("Content-Type", "application/json").header("X-Trace", "t-1")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(upstream.apiBase() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listsAndDescribesItsModels() throws Exception {
        JsonNode list = Json.MAPPER.readTree(get("/models").body());
        HttpResponse<String> one = get("/models/gpt-4o");
        HttpResponse<String> missing = get("/models/nope");

        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data").findValuesAsText("id")).contains("gpt-4o-mini", "gpt-4o");
        assertThat(Json.MAPPER.readTree(one.body()).path("object").asText()).isEqualTo("model");
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void recordsEachRequestWithHeadersAndBody() throws Exception {
        post("/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.headers().first("x-trace")).contains("t-1");
        assertThat(seen.bodyJson().path("model").asText()).isEqualTo("m");
    }

    @Test
    void answersEveryRequestedChoiceWithUsage() throws Exception {
        JsonNode answer = Json.MAPPER.readTree(post("/chat/completions",
                "{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"twice\"}]}").body());

        assertThat(answer.path("choices")).hasSize(2);
        assertThat(answer.path("choices").get(1).path("message").path("content").asText()).isEqualTo("echo: twice");
        assertThat(answer.path("usage").path("total_tokens").asInt()).isPositive();
    }

    @Test
    void answersJsonObjectRequestsWithJson() throws Exception {
        JsonNode answer = Json.MAPPER.readTree(post("/chat/completions",
                "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"json please\"}]}").body());

        JsonNode content = Json.MAPPER.readTree(answer.path("choices").get(0).path("message").path("content").asText());
        assertThat(content.path("echo").asText()).isEqualTo("json please");
    }

    @Test
    void aToolResultTurnIsAnsweredWithTextNotAnotherCall() throws Exception {
        JsonNode answer = Json.MAPPER.readTree(post("/chat/completions", """
                {"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],
                 "messages":[{"role":"user","content":"call f"},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                   {"role":"tool","tool_call_id":"c1","content":"42"}]}""").body());

        assertThat(answer.path("choices").get(0).path("message").path("content").asText()).isEqualTo("echo: 42");
        assertThat(answer.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void streamsServerSentEventsEndingWithDone() throws Exception {
        HttpResponse<String> response = post("/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}");

        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.body()).startsWith("data: {").endsWith("data: [DONE]\n\n").doesNotContain("\"usage\":{");
    }

    @Test
    void embedsInBase64WhenAsked() throws Exception {
        JsonNode answer = Json.MAPPER.readTree(post("/embeddings",
                "{\"model\":\"e\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\",\"dimensions\":8}").body());

        assertThat(answer.path("data")).hasSize(2);
        assertThat(Base64.getDecoder().decode(answer.path("data").get(0).path("embedding").asText())).hasSize(32);
    }

    @Test
    void aBadRequestGetsAnOpenAiErrorObject() throws Exception {
        HttpResponse<String> response = post("/chat/completions", "{\"model\":\"m\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).path("error").path("param").asText()).isEqualTo("messages");
    }

    @Test
    void scriptedFaultsApplyToRequestsInOrderThenAnswersAreNormal() throws Exception {
        upstream.enqueue(Fault.rateLimited(4)).enqueue(Fault.rawError(502, "<html>bad gateway</html>"));
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

        HttpResponse<String> first = post("/chat/completions", body);
        HttpResponse<String> second = post("/chat/completions", body);
        HttpResponse<String> third = post("/chat/completions", body);

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("retry-after")).contains("4");
        assertThat(second.statusCode()).isEqualTo(502);
        assertThat(second.body()).isEqualTo("<html>bad gateway</html>");
        assertThat(third.statusCode()).isEqualTo(200);
    }

    /**
     * A test that read what came before a stall may release it before the response reaches it: the thread writing the
     * response can be a step behind the reader. Those holds must not hold then (they held for 30 s on a loaded machine).
     */
    @Test
    void aReleaseEndsTheHoldsOfARequestAlreadyReceivedEvenThoseItHasNotReachedYet() throws Exception {
        upstream.enqueue(Fault.delayHeaders(Duration.ofSeconds(30)), Fault.stallAfter(0));
        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(HttpRequest.newBuilder(
                        URI.create(upstream.apiBase() + "/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (upstream.requests().isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(upstream.requests()).hasSize(1);

        upstream.release();

        assertThat(answer.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
}
