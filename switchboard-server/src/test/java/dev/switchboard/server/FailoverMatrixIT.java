package dev.switchboard.server;

import static dev.switchboard.server.FailoverPair.BACKUP_IN;
import static dev.switchboard.server.FailoverPair.BACKUP_OUT;
import static dev.switchboard.server.FailoverPair.chat;
import static dev.switchboard.server.FailoverPair.events;
import static dev.switchboard.server.FailoverPair.since;
import static dev.switchboard.server.FailoverPair.stream;
import static dev.switchboard.server.FailoverPair.streamedText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.Fault;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The failover scorecard of docs/reliability.md, through the real server: a model group of two
 * deployments on separate fake upstreams, one of which misbehaves. Each case checks the client's
 * outcome, how long it took, the response headers and the ledger record.
 */
class FailoverMatrixIT {
    private static final Duration QUICK = Duration.ofSeconds(2);

    @BeforeAll
    static void warmUp() throws Exception {
        FailoverPair.warmUp();
    }

    private static JsonNode json(HttpResponse<String> r) {
        return Json.parseBody(r.body().getBytes());
    }

    /** The backup answered, silently: a complete answer from gpt-4o, headers and ledger saying so, billed once. */
    private static void assertBackupAnswered(FailoverPair p, HttpResponse<String> r, String requestId, String prompt)
            throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("choices").get(0).path("message").path("content").asText()).isEqualTo("echo: " + prompt);
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(r.headers().firstValue("x-switchboard-deployment")).hasValue("backup");
        assertThat(r.headers().firstValue("x-switchboard-fallbacks")).hasValue("1");
        LedgerRecord record = p.record(requestId);
        assertThat(record.status()).isEqualTo(LedgerRecord.OK);
        assertThat(record.deploymentId()).isEqualTo("backup");
        assertThat(record.upstreamModel()).isEqualTo("gpt-4o");
        assertThat(record.fallbacksUsed()).isEqualTo(1);
        assertThat(record.usage().promptTokens()).isEqualTo(body.get("usage").get("prompt_tokens").asInt());
        assertThat(record.costUsd()).isCloseTo(FailoverPair.cost(body.get("usage"), BACKUP_IN, BACKUP_OUT), within(1e-12));
    }

    /** The primary fails twice with {@code fault}: one retry on it, then the backup answers, quickly and silently. */
    private static void assertRetriedOnceThenFailedOver(FailoverPair p, Fault fault, String requestId, String prompt)
            throws Exception {
        p.a.enqueue(fault).enqueue(fault);
        long start = System.nanoTime();
        HttpResponse<String> r = p.post(chat(prompt), requestId);
        assertThat(since(start)).isLessThan(QUICK);
        assertBackupAnswered(p, r, requestId, prompt);
        assertThat(p.a.requests()).hasSize(2);
    }

    // ------------------------------------------------------------------ rate limits

    @Test
    void aRateLimitWithRetryAfterFailsOverAtOnceAndCoolsTheDeploymentDown() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.rateLimited(30));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(chat("first"), "rl-1");
            assertThat(since(start)).isLessThan(QUICK);
            assertBackupAnswered(p, r, "rl-1", "first");
            assertThat(p.record("rl-1").attempts()).isEqualTo(2);
            assertThat(p.a.requests()).hasSize(1);

            // The primary asked for 30 s: it is skipped, not asked again, until then.
            assertThat(p.post(chat("second"), "rl-2").headers().firstValue("x-switchboard-deployment")).hasValue("backup");
            assertThat(p.a.requests()).hasSize(1);
            JsonNode health = p.healthOf("primary");
            assertThat(health.get("state").asText()).isEqualTo("open");
            assertThat(health.get("last_error").asText()).contains("Rate limit");
        }
    }

    @Test
    void aRateLimitStormCausesNoBurstOfRetries() throws Exception {
        // Asked for 30 s, longer than the 5 s the gateway waits out: each deployment cools down for 5 s instead.
        String reliability = FailoverPair.DEFAULT_RELIABILITY + "    max-retry-after: 5s\n";
        try (FailoverPair p = new FailoverPair(reliability, "", FailoverPair.FAST_TIMEOUTS)) {
            for (int i = 0; i < 20; i++) {
                p.a.enqueue(Fault.rateLimited(30));
                p.b.enqueue(Fault.rateLimited(30));
            }
            long start = System.nanoTime();
            HttpResponse<String> first = p.post(chat("storm"), "storm-0");
            assertThat(first.statusCode()).isEqualTo(429);
            assertThat(first.headers().firstValue("retry-after")).isPresent();
            for (int i = 1; i < 20; i++) {
                HttpResponse<String> r = p.post(chat("storm"), "storm-" + i);
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(json(r).get("error").get("message").asText()).contains("cooling down");
                assertThat(Long.parseLong(r.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 5L);
            }
            assertThat(since(start)).isLessThan(QUICK);
            // One call each: no retry against a provider that asked for a pause, none while it cools down.
            assertThat(p.a.requests()).hasSize(1);
            assertThat(p.b.requests()).hasSize(1);
            assertThat(p.record("storm-0").status()).isEqualTo("rate_limit_exceeded");
            assertThat(p.record("storm-5").attempts()).isZero();
        }
    }

    @Test
    void aConcurrentRateLimitStormCallsEachDeploymentAtMostOncePerRequest() throws Exception {
        String reliability = FailoverPair.DEFAULT_RELIABILITY + "    max-retry-after: 5s\n";
        try (FailoverPair p = new FailoverPair(reliability, "", FailoverPair.FAST_TIMEOUTS)) {
            int requests = 20;
            for (int i = 0; i < requests; i++) {
                p.a.enqueue(Fault.rateLimited(30));
                p.b.enqueue(Fault.rateLimited(30));
            }
            List<java.util.concurrent.Future<HttpResponse<String>>> replies = new java.util.ArrayList<>();
            long start = System.nanoTime();
            try (var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < requests; i++) {
                    String id = "burst-" + i;
                    replies.add(clients.submit(() -> p.post(chat("burst"), id)));
                }
            }
            assertThat(since(start)).isLessThan(QUICK);
            for (var reply : replies) assertThat(reply.get().statusCode()).isIn(429, 503);
            // Requests in flight together may each meet a deployment before its circuit opens, but none asks twice.
            assertThat(p.a.requests()).hasSizeBetween(1, requests);
            assertThat(p.b.requests()).hasSizeBetween(1, requests);
            int calls = 0;
            for (int i = 0; i < requests; i++) {
                LedgerRecord record = p.record("burst-" + i);
                assertThat(record.attempts()).isLessThanOrEqualTo(2);
                calls += record.attempts();
            }
            assertThat(calls).isEqualTo(p.a.requests().size() + p.b.requests().size());
        }
    }

    // ------------------------------------------------------------------ server errors

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 529})
    void aServerErrorIsRetriedOnceThenFailedOverSilently(int status) throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            assertRetriedOnceThenFailedOver(p, Fault.status(status, "scripted " + status), "s-" + status, "five hundred");
            assertThat(p.record("s-" + status).attempts()).isEqualTo(3);
        }
    }

    @Test
    void whenEveryDeploymentFailsTheClientGetsTheLastErrorAsAnOpenAiErrorObject() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            for (int i = 0; i < 2; i++) {
                p.a.enqueue(Fault.status(500, "primary broke"));
                p.b.enqueue(Fault.status(500, "backup broke"));
            }
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(chat("doomed"), "all-down");
            assertThat(since(start)).isLessThan(QUICK);
            assertThat(r.statusCode()).isEqualTo(502);
            JsonNode error = json(r).get("error");
            assertThat(error.get("message").asText()).contains("backup broke");
            assertThat(error.get("type").asText()).isEqualTo("server_error");
            assertThat(r.headers().firstValue("x-request-id")).hasValue("all-down");
            LedgerRecord record = p.record("all-down");
            assertThat(record.status()).isEqualTo("upstream_error");
            assertThat(record.attempts()).isEqualTo(4);
            assertThat(record.costUsd()).isZero();
        }
    }

    // ------------------------------------------------------------------ connections

    @Test
    void refusedConnectionsFailOverSilently() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.refuseConnections();
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(chat("refused"), "refused");
            assertThat(since(start)).isLessThan(QUICK);
            assertBackupAnswered(p, r, "refused", "refused");
            assertThat(p.record("refused").attempts()).isEqualTo(3);
        }
    }

    @Test
    void aConnectionResetBeforeTheAnswerFailsOverSilently() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            assertRetriedOnceThenFailedOver(p, Fault.disconnect(), "reset", "reset");
        }
    }

    // ------------------------------------------------------------------ silence

    @Test
    void aSlowFirstByteIsAbandonedAtItsTimeoutAndFailedOverNotRetried() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.delayHeaders(Duration.ofSeconds(20)));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(stream("slow"), "slow");
            Duration took = since(start);
            assertThat(took).isBetween(Duration.ofMillis(380), QUICK);
            assertCompleteStreamFrom(r, "backup", "gpt-4o", "slow");
            assertThat(p.record("slow").deploymentId()).isEqualTo("backup");
            assertThat(p.a.requests()).hasSize(1);
        }
    }

    /**
     * The first-byte timeout is LiteLLM's stream_timeout: a whole answer's head comes when the model is done, so
     * only the total timeout (LiteLLM's timeout) bounds it. An answer slower than the first-byte limit is served;
     * one slower than the total is abandoned at it and failed over.
     */
    @Test
    void aWholeAnswerIsBoundedByTheTotalTimeoutNotTheFirstByteOne() throws Exception {
        try (FailoverPair p = new FailoverPair(FailoverPair.DEFAULT_RELIABILITY, "",
                "connect-timeout: 1s, first-byte-timeout: 400ms, idle-timeout: 400ms, total-timeout: 1500ms")) {
            p.a.enqueue(Fault.delayHeaders(Duration.ofMillis(900)));
            HttpResponse<String> slow = p.post(chat("slow but in time"), "slow-ok");
            assertThat(slow.statusCode()).as(slow.body()).isEqualTo(200);
            assertThat(slow.headers().firstValue("x-switchboard-deployment")).hasValue("primary");
            assertThat(p.record("slow-ok").status()).isEqualTo(LedgerRecord.OK);

            p.a.enqueue(Fault.delayHeaders(Duration.ofSeconds(20)));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(chat("too slow"), "too-slow");
            assertThat(since(start)).isBetween(Duration.ofMillis(1450), Duration.ofMillis(1500).plus(QUICK));
            assertBackupAnswered(p, r, "too-slow", "too slow");
            assertThat(p.a.requests()).hasSize(2);
        }
    }

    @Test
    void aStreamWhoseFirstEventIsLateFailsOverBeforeAnyByteReachesTheClient() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(stream("late"), "late");
            assertThat(since(start)).isBetween(Duration.ofMillis(380), QUICK);
            assertCompleteStreamFrom(r, "backup", "gpt-4o", "late");
            assertThat(r.headers().firstValue("x-switchboard-fallbacks")).hasValue("1");
            assertThat(p.a.requests()).hasSize(1);
            LedgerRecord record = p.record("late");
            assertThat(record.deploymentId()).isEqualTo("backup");
            assertThat(record.fallbacksUsed()).isEqualTo(1);
            assertThat(record.costUsd()).isCloseTo((record.usage().promptTokens() * BACKUP_IN
                    + record.usage().completionTokens() * BACKUP_OUT) / 1e6, within(1e-12));
            assertThat(record.usage().completionTokens()).isPositive();
        }
    }

    @Test
    void aStreamThatStallsBeforeItsFirstEventFailsOverSilently() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.stallAfter(0));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(stream("stalled early"), "stall-0");
            assertThat(since(start)).isBetween(Duration.ofMillis(380), QUICK);
            assertCompleteStreamFrom(r, "backup", "gpt-4o", "stalled early");
            assertThat(p.record("stall-0").deploymentId()).isEqualTo("backup");
        }
    }

    @Test
    void aStreamThatStallsAfterItsFirstByteEndsWithAnErrorEventAndNoDone() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.stallAfter(3));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(stream("one two three four five"), "stall-3");
            assertThat(since(start)).isBetween(Duration.ofMillis(380), QUICK);
            assertEndsWithErrorEvent(r, "primary");
            assertThat(p.b.requests()).isEmpty();
            assertThat(p.record("stall-3").status()).isNotEqualTo(LedgerRecord.OK);
        }
    }

    @Test
    void aSlowFirstTokenIsKeptAliveWithCommentsWhileTheGatewayFailsOverBehindThem() throws Exception {
        try (FailoverPair p = keptAlive()) {
            p.a.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(stream("patience"), "kept-alive");
            assertThat(since(start)).isBetween(Duration.ofMillis(380), QUICK);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith(": waiting for the first token\n\n");
            // The comments went out before anyone answered, so the answer's headers could not follow them.
            assertThat(r.headers().firstValue("x-switchboard-deployment")).isEmpty();
            assertThat(events(r.body()).getLast()).isEqualTo("[DONE]");
            assertThat(streamedText(r.body())).isEqualTo("echo: patience");
            assertThat(p.record("kept-alive").deploymentId()).isEqualTo("backup");

            // An unmodified OpenAI SDK reads such a stream as usual.
            p.a.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(p.gw.v1()).apiKey("sk-any").maxRetries(0).build();
            StringBuilder text = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> chunks = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("chat").addUserMessage("sdk patience").build())) {
                chunks.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
            assertThat(text).hasToString("echo: sdk patience");
        }
    }

    @Test
    void aFailureAfterKeepAliveCommentsEndsWithAnErrorEventAndNoDone() throws Exception {
        try (FailoverPair p = keptAlive()) {
            p.a.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            p.b.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(stream("nobody"), "kept-alive-failed");
            assertThat(since(start)).isBetween(Duration.ofMillis(760), QUICK);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith(": waiting for the first token");
            List<String> events = events(r.body());
            assertThat(events).hasSize(1);
            assertThat(Json.parseBody(events.getFirst().getBytes()).get("error").get("type").asText()).isEqualTo("timeout_error");
            assertThat(p.record("kept-alive-failed").status()).isNotEqualTo(LedgerRecord.OK);
        }
    }

    @Test
    void anthropicStreamsAreKeptAliveTooAndTheSdkReadsThem() throws Exception {
        try (FailoverPair p = keptAlive()) {
            p.a.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            HttpResponse<String> r = postMessages(p, "patience", "anthropic-kept-alive");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith(": waiting for the first token\n\n");
            assertThat(r.body().substring(r.body().indexOf("event: "))).startsWith("event: message_start\n")
                    .contains("\"text\":\"patience\"").endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
            assertThat(p.record("anthropic-kept-alive").deploymentId()).isEqualTo("backup");

            p.a.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(p.gw.base()).apiKey("sk-any").maxRetries(0).build();
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> events = client.messages().createStreaming(
                    MessageCreateParams.builder().model("chat").maxTokens(64).addUserMessage("sdk patience").build())) {
                events.stream().forEach(accumulator::accumulate);
            }
            assertThat(accumulator.message().content()).singleElement()
                    .satisfies(block -> assertThat(block.asText().text()).isEqualTo("echo: sdk patience"));
        }
    }

    @Test
    void anAnthropicStreamThatFailsAfterKeepAliveCommentsEndsWithAnErrorEvent() throws Exception {
        try (FailoverPair p = keptAlive()) {
            p.a.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            p.b.enqueue(Fault.delayFirstChunk(Duration.ofSeconds(20)));
            HttpResponse<String> r = postMessages(p, "nobody", "anthropic-kept-alive-failed");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith(": waiting for the first token").doesNotContain("message_stop");
            String event = r.body().substring(r.body().indexOf("event: "));
            assertThat(event).startsWith("event: error\ndata: ");
            JsonNode error = Json.parseBody(event.substring(event.indexOf("data: ") + 6).trim().getBytes());
            assertThat(error.get("type").asText()).isEqualTo("error");
            assertThat(error.get("error").get("type").asText()).isNotBlank();
        }
    }

    /** A pair whose streams get a keep-alive comment after 100 ms of waiting for the first token. */
    private static FailoverPair keptAlive() {
        return new FailoverPair(FailoverPair.DEFAULT_RELIABILITY, "", FailoverPair.FAST_TIMEOUTS, ", sse-keep-alive: 100ms");
    }

    /** A streamed {@code /v1/messages} request, as an Anthropic client sends it. */
    private static HttpResponse<String> postMessages(FailoverPair p, String prompt, String requestId) throws Exception {
        String body = "{\"model\":\"chat\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + prompt + "\"}]}";
        return p.gw.post("/v1/messages", body, "x-request-id", requestId, "anthropic-version", "2023-06-01");
    }

    // ------------------------------------------------------------------ broken bodies

    @Test
    void aMidStreamDisconnectEndsWithAnErrorEventAndNoDone() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.disconnectAfter(3));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(stream("one two three four five"), "cut");
            assertThat(since(start)).isLessThan(QUICK);
            assertEndsWithErrorEvent(r, "primary");
            assertThat(p.b.requests()).isEmpty();
            LedgerRecord record = p.record("cut");
            assertThat(record.status()).isNotEqualTo(LedgerRecord.OK);
            assertThat(record.deploymentId()).isEqualTo("primary");
        }
    }

    @Test
    void malformedJsonIsRetriedThenFailedOver() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            assertRetriedOnceThenFailedOver(p, Fault.malformedJson(), "garbled", "garbled");
        }
    }

    @Test
    void aMalformedStreamEventIsSkippedNotPassedOn() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.malformedJson());
            HttpResponse<String> r = p.post(stream("keep going"), "skip");
            assertCompleteStreamFrom(r, "primary", "gpt-4o-mini", "keep going");
            assertThat(r.body()).doesNotContain("chatcmpl-broken");
            assertThat(p.record("skip").status()).isEqualTo(LedgerRecord.OK);
        }
    }

    @Test
    void aStreamEndingWithoutDoneIsFinalisedAtOnceWithUsage() throws Exception {
        // A long idle limit: finishing at once must not depend on it.
        try (FailoverPair p = new FailoverPair(FailoverPair.DEFAULT_RELIABILITY, "",
                "connect-timeout: 1s, first-byte-timeout: 5s, idle-timeout: 5s, total-timeout: 10s")) {
            p.a.enqueue(Fault.truncate());
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(stream("no marker"), "truncated");
            assertThat(since(start)).isLessThan(QUICK);
            assertCompleteStreamFrom(r, "primary", "gpt-4o-mini", "no marker");
            JsonNode usageEvent = Json.parseBody(events(r.body()).get(events(r.body()).size() - 2).getBytes());
            assertThat(usageEvent.get("usage").get("completion_tokens").asInt()).isPositive();
            assertThat(p.record("truncated").usage().completionTokens()).isPositive();
        }
    }

    @Test
    void anEmptyStreamIsNotPassedOffAsAnAnswer() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            // 200, text/event-stream, and not one event: nothing was answered, so the backup is asked.
            for (int i = 0; i < 2; i++) p.a.enqueue(Fault.rawError(200, ""), Fault.wrongContentType("text/event-stream"));
            HttpResponse<String> r = p.post(stream("anyone there"), "empty");
            assertCompleteStreamFrom(r, "backup", "gpt-4o", "anyone there");
            assertThat(p.a.requests()).hasSize(2);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anHtmlPageInsteadOfAnAnswerFailsOver(boolean streaming) throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            String html = "<html><body><h1>Welcome to the captive portal</h1></body></html>";
            for (int i = 0; i < 2; i++) p.a.enqueue(Fault.rawError(200, html), Fault.wrongContentType("text/html"));
            long start = System.nanoTime();
            String id = "html-" + streaming;
            HttpResponse<String> r = p.post(streaming ? stream("portal") : chat("portal"), id);
            assertThat(since(start)).isLessThan(QUICK);
            if (streaming) {
                assertCompleteStreamFrom(r, "backup", "gpt-4o", "portal");
                assertThat(p.record(id).deploymentId()).isEqualTo("backup");
            } else {
                assertBackupAnswered(p, r, id, "portal");
            }
            assertThat(r.body()).doesNotContain("captive portal");
        }
    }

    // ------------------------------------------------------------------ request errors

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404})
    void aClientOrCredentialErrorIsNeverRetriedOnTheSameDeployment(int status) throws Exception {
        // A high threshold keeps the circuit closed, so every round reaches the upstream.
        String reliability = FailoverPair.DEFAULT_RELIABILITY.replace("failure-threshold: 3", "failure-threshold: 1000");
        try (FailoverPair p = new FailoverPair(reliability, "", FailoverPair.FAST_TIMEOUTS)) {
            String single = "{\"model\":\"chat-large\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
            int rounds = 60;
            for (int i = 0; i < rounds; i++) {
                p.b.enqueue(Fault.status(status, "scripted " + status));
                HttpResponse<String> r = p.post(single, "req-err-" + status + "-" + i);
                assertThat(r.statusCode()).as("round %d: %s", i, r.body()).isEqualTo(status);
                assertThat(p.b.requests()).as("round %d", i).hasSize(i + 1);
            }
        }
    }


    @Test
    void aContentFilterRejectionReachesTheClientWithItsReasonAndIsNotRetried() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.rawError(400, """
                    {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content \
                    management policy: violence (severity high).","type":null,"param":"prompt","code":"content_filter","status":400}}"""));
            HttpResponse<String> r = p.post(chat("something violent"), "filtered");
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode error = json(r).get("error");
            assertThat(error.get("code").asText()).isEqualTo("content_filter");
            assertThat(error.get("message").asText()).contains("content management policy: violence");
            assertThat(p.a.requests()).hasSize(1);
            assertThat(p.b.requests()).isEmpty();
            assertThat(p.record("filtered").status()).isEqualTo("content_filter");
        }
    }

    @Test
    void aContentFilterRejectionFailsOverOnlyToConfiguredContentPolicyFallbacks() throws Exception {
        try (FailoverPair p = new FailoverPair(FailoverPair.DEFAULT_RELIABILITY,
                "  content_policy_fallbacks: [{chat: [chat-large]}]",
                FailoverPair.FAST_TIMEOUTS)) {
            p.a.enqueue(Fault.rawError(400, "{\"error\":{\"message\":\"flagged by the content policy\",\"type\":\"invalid_request_error\","
                    + "\"param\":null,\"code\":\"content_policy_violation\"}}"));
            HttpResponse<String> r = p.post(chat("borderline"), "policy");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).get("model").asText()).isEqualTo("gpt-4.1");
            assertThat(r.headers().firstValue("x-switchboard-deployment")).hasValue("large");
            assertThat(r.headers().firstValue("x-switchboard-fallback-model")).hasValue("chat-large");
            // The other deployment of the same group is not asked: the policy list is the only way on.
            assertThat(p.b.requests()).hasSize(1);
            assertThat(p.b.lastRequest().bodyJson().get("model").asText()).isEqualTo("gpt-4.1");
        }
    }

    @Test
    void aContextWindowErrorIsNeverRetriedOnTheSameModelAndFallsBackToALargerWindow() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.status(400, "This model's maximum context length is 128000 tokens. However, your messages "
                    + "resulted in 130000 tokens. Please reduce the length of the messages."));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(chat("a long document"), "ctx");
            assertThat(since(start)).isLessThan(QUICK);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).get("model").asText()).isEqualTo("gpt-4.1");
            assertThat(r.headers().firstValue("x-switchboard-deployment")).hasValue("large");
            assertThat(p.a.requests()).hasSize(1);
            // backup has the same window as primary, so it is dropped: only gpt-4.1 was asked on upstream b.
            assertThat(p.b.requests()).extracting(req -> req.bodyJson().get("model").asText()).containsExactly("gpt-4.1");
            LedgerRecord record = p.record("ctx");
            assertThat(record.deploymentId()).isEqualTo("large");
            assertThat(record.modelGroup()).isEqualTo("chat-large");
        }
    }

    // ------------------------------------------------------------------ health

    @Test
    void aRecoveredDeploymentGetsTrafficBackAfterItsCoolDown() throws Exception {
        String reliability = FailoverPair.DEFAULT_RELIABILITY.replace("failure-threshold: 3", "failure-threshold: 2");
        try (FailoverPair p = new FailoverPair(reliability, "",
                FailoverPair.FAST_TIMEOUTS)) {
            p.a.enqueue(Fault.status(500)).enqueue(Fault.status(500));
            assertThat(p.post(chat("break it"), "cool-0").headers().firstValue("x-switchboard-deployment")).hasValue("backup");
            long opened = System.nanoTime();
            assertThat(p.healthOf("primary").get("state").asText()).isEqualTo("open");

            // Traffic keeps flowing; the first request after the 500 ms cool-down is the probe that closes the circuit.
            String answeredBy;
            int sent = 0;
            do {
                answeredBy = p.post(chat("probe"), "cool-" + (++sent)).headers().firstValue("x-switchboard-deployment").orElseThrow();
            } while (!answeredBy.equals("primary") && since(opened).compareTo(Duration.ofSeconds(5)) < 0);
            Duration back = since(opened);
            assertThat(answeredBy).isEqualTo("primary");
            assertThat(back).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
            assertThat(p.healthOf("primary").get("state").asText()).isEqualTo("closed");
            assertThat(p.post(chat("again"), "cool-after").headers().firstValue("x-switchboard-deployment")).hasValue("primary");
        }
    }

    @Test
    void deploymentHealthIsVisibleAtHealthDeploymentsAndInModelMetadata() throws Exception {
        try (FailoverPair p = new FailoverPair()) {
            p.a.enqueue(Fault.rateLimited(30));
            p.post(chat("trip"), "trip");
            JsonNode all = Json.parseBody(p.gw.get("/health/deployments").body().getBytes());
            assertThat(all.get("unhealthy").asInt()).isEqualTo(1);
            assertThat(all.get("healthy").asInt()).isEqualTo(2);
            JsonNode primary = p.healthOf("primary");
            assertThat(primary.get("available").asBoolean()).isFalse();
            assertThat(primary.get("cool_down_until").asText()).isNotBlank();
            assertThat(p.healthOf("backup").get("successes").asInt()).isEqualTo(1);

            JsonNode model = Json.parseBody(p.gw.get("/v1/models/chat").body().getBytes());
            JsonNode deployments = model.get("switchboard").get("deployments");
            assertThat(deployments.get(0).get("id").asText()).isEqualTo("primary");
            assertThat(deployments.get(0).get("health").get("state").asText()).isEqualTo("open");
            assertThat(deployments.get(1).get("health").get("state").asText()).isEqualTo("closed");
        }
    }

    // ------------------------------------------------------------------ deadlines

    @Test
    void theTimeoutHeaderBoundsTheWholeRequestAcrossFallbacks() throws Exception {
        try (FailoverPair p = new FailoverPair(FailoverPair.DEFAULT_RELIABILITY, "",
                "connect-timeout: 1s, first-byte-timeout: 5s, idle-timeout: 5s, total-timeout: 10s")) {
            p.a.enqueue(Fault.delayHeaders(Duration.ofSeconds(20)));
            p.b.enqueue(Fault.delayHeaders(Duration.ofSeconds(20)));
            long start = System.nanoTime();
            HttpResponse<String> r = p.post(chat("hurry"), "deadline", "x-switchboard-timeout", "600ms");
            assertThat(since(start)).isBetween(Duration.ofMillis(550), QUICK);
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(json(r).get("error").get("type").asText()).isEqualTo("timeout_error");

            HttpResponse<String> bad = p.post(chat("hurry"), "bad-deadline", "x-switchboard-timeout", "soon");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).get("error").get("param").asText()).isEqualTo("x-switchboard-timeout");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertCompleteStreamFrom(HttpResponse<String> r, String deployment, String model, String prompt) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-deployment")).hasValue(deployment);
        List<String> events = events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(streamedText(r.body())).isEqualTo("echo: " + prompt);
        for (String e : events.subList(0, events.size() - 1)) {
            assertThat(Json.parseBody(e.getBytes()).get("model").asText()).isEqualTo(model);
        }
    }

    private static void assertEndsWithErrorEvent(HttpResponse<String> r, String deployment) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-deployment")).hasValue(deployment);
        List<String> events = events(r.body());
        assertThat(events).doesNotContain("[DONE]");
        assertThat(streamedText(r.body().substring(0, r.body().lastIndexOf("data: ")))).startsWith("echo:");
        JsonNode error = Json.parseBody(events.getLast().getBytes()).get("error");
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isNotBlank();
    }
}
