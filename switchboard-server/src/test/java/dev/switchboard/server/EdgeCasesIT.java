package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.stages.AccessLog;
import dev.switchboard.core.wire.Json;
import dev.switchboard.storage.SqliteLedgerStore;
import dev.switchboard.testkit.Fault;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.LogCapture;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input, upstream failures, auth and shutdown through the real server: the right status and an OpenAI error object. */
class EdgeCasesIT {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** The fake upstream loads its tokenizer on first use; a cold load must not eat the 2 s timeouts below. */
    @BeforeAll
    static void warmUp() throws Exception {
        FailoverPair.warmUp();
    }

    private static String config(FakeUpstream upstream, String extra) {
        return """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-up, timeout: 2}
                switchboard:
                  server: {port: 0, max-body-bytes: 4096, shutdown-grace: 10s}
                  upstream: {first-byte-timeout: 1s}
                  ledger: {store: none}
                %s""".formatted(upstream.apiBase(), extra);
    }

    private static JsonNode error(HttpResponse<String> r) {
        JsonNode body = Json.parseBody(r.body().getBytes());
        assertThat(body.get("error").get("message").asText()).isNotBlank();
        assertThat(body.get("error").has("type")).isTrue();
        assertThat(body.get("error").has("param")).isTrue();
        assertThat(body.get("error").has("code")).isTrue();
        return body.get("error");
    }

    @Test
    void clientMistakesAre4xxErrorObjectsNeverA500() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            record Case(String body, int status, String param) {}
            for (Case c : new Case[] {
                new Case("{not json", 400, null),
                new Case("", 400, null),
                new Case("[]", 400, null),
                new Case("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "model"),
                new Case("{\"model\":\"gpt-4o-mini\",\"messages\":\"hi\"}", 400, "messages"),
                new Case("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400, "messages[0].role"),
                new Case("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"ten\"}", 400, "max_tokens"),
                new Case("{\"model\":\"unknown\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404, "model"),
                new Case("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}", 413, null),
            }) {
                HttpResponse<String> r = gw.post("/v1/chat/completions", c.body());
                assertThat(r.statusCode()).as(c.body()).isEqualTo(c.status());
                JsonNode e = error(r);
                if (c.param() != null) assertThat(e.get("param").asText()).isEqualTo(c.param());
                assertThat(r.headers().firstValue("x-request-id")).isPresent();
            }
            assertThat(upstream.requests()).isEmpty();
        }
    }

    @Test
    void aModelServesOnlyTheEndpointItsModeSays() throws Exception {
        String yaml = """
                model_list:
                  - model_name: chat-model
                    litellm_params: {model: simulated/chat-model}
                  - model_name: embed-model
                    litellm_params: {model: simulated/embed-model}
                    model_info: {mode: embedding}
                switchboard:
                  server: {port: 0}
                  ledger: {store: none}
                """;
        try (GatewayFixture gw = GatewayFixture.start(yaml)) {
            HttpResponse<String> chat = gw.post("/v1/chat/completions",
                    "{\"model\":\"embed-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(chat.statusCode()).isEqualTo(400);
            assertThat(error(chat).get("code").asText()).isEqualTo("model_not_supported");
            assertThat(error(chat).get("message").asText()).contains("'embed-model' is an embedding model", "/v1/embeddings");

            HttpResponse<String> messages = gw.post("/v1/messages",
                    "{\"model\":\"embed-model\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(messages.statusCode()).isEqualTo(400);
            JsonNode anthropic = Json.parseBody(messages.body().getBytes());
            assertThat(anthropic.get("type").asText()).isEqualTo("error");
            assertThat(anthropic.get("error").get("type").asText()).isEqualTo("invalid_request_error");

            HttpResponse<String> embed = gw.post("/v1/embeddings", "{\"model\":\"chat-model\",\"input\":\"hi\"}");
            assertThat(embed.statusCode()).isEqualTo(400);
            assertThat(error(embed).get("message").asText()).contains("'chat-model' is a simulated chat model");
            assertThat(error(embed).get("param").asText()).isEqualTo("model");

            assertThat(gw.post("/v1/embeddings", "{\"model\":\"embed-model\",\"input\":\"hi\"}").statusCode()).isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions",
                    "{\"model\":\"chat-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aRequestNoEndpointTakesGetsAnErrorObjectInTheClientsDialect() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            HttpResponse<String> unknown = gw.get("/v1/chat/completion");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(error(unknown).get("code").asText()).isEqualTo("unknown_url");
            assertThat(error(unknown).get("message").asText()).contains("GET /v1/chat/completion");
            assertThat(unknown.headers().firstValue("x-request-id")).isPresent();

            HttpResponse<String> wrongMethod = gw.get("/v1/chat/completions");
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST, OPTIONS");
            assertThat(error(wrongMethod).get("code").asText()).isEqualTo("method_not_allowed");
            HttpResponse<String> deleteModel = gw.send("DELETE", "/v1/models/gpt-4o-mini");
            assertThat(deleteModel.statusCode()).isEqualTo(405);
            assertThat(deleteModel.headers().firstValue("allow")).hasValue("GET, HEAD, OPTIONS");
            assertThat(gw.send("PUT", "/health").headers().firstValue("allow")).hasValue("GET, HEAD, OPTIONS");

            HttpResponse<String> anthropic = gw.get("/v1/messages");
            assertThat(anthropic.statusCode()).isEqualTo(405);
            JsonNode body = Json.parseBody(anthropic.body().getBytes());
            assertThat(body.get("type").asText()).isEqualTo("error");
            assertThat(body.get("error").get("type").asText()).isEqualTo("invalid_request_error");
            HttpResponse<String> anthropicUnknown = gw.post("/v1/complete", "{}", "anthropic-version", "2023-06-01");
            assertThat(anthropicUnknown.statusCode()).isEqualTo(404);
            assertThat(Json.parseBody(anthropicUnknown.body().getBytes()).get("error").get("type").asText())
                    .isEqualTo("not_found_error");

            assertThat(gw.get("/v1/models/gpt-4o-mini").statusCode()).isEqualTo(200); // the routes themselves still answer
            assertThat(upstream.requests()).isEmpty();
        }
    }

    @Test
    void requestsOverTheConcurrencyLimitGetARetryable503WhileHealthStillAnswers() throws Exception {
        String yaml = """
                model_list:
                  - model_name: slow
                    litellm_params: {model: simulated/slow, simulation: {time-to-first-token: 1500ms}}
                switchboard:
                  server: {port: 0, max-concurrent-requests: 1}
                  ledger: {store: none}
                """;
        try (GatewayFixture gw = GatewayFixture.start(yaml)) {
            String chat = CHAT.replace("gpt-4o-mini", "slow");
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return gw.post("/v1/chat/completions", chat);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Json.parseBody(gw.get("/health/ready").body().getBytes()).get("in_flight").asInt() < 1) {
                assertThat(System.nanoTime()).as("the first request never started").isLessThan(deadline);
                Thread.sleep(10);
            }
            HttpResponse<String> refused = gw.post("/v1/chat/completions", chat);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(error(refused).get("code").asText()).isEqualTo("overloaded");
            assertThat(error(refused).get("message").asText()).contains("max-concurrent-requests");
            assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
            assertThat(refused.headers().firstValue("x-request-id")).isPresent();
            assertThat(gw.get("/health").statusCode()).isEqualTo(200);
            assertThat(first.get().statusCode()).isEqualTo(200);
            // The slot frees when the first handler returns, a moment after its client has read the answer.
            while (Json.parseBody(gw.get("/health/ready").body().getBytes()).get("in_flight").asInt() > 0) {
                assertThat(System.nanoTime()).as("the first request never finished").isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(gw.post("/v1/chat/completions", chat).statusCode()).isEqualTo(200); // the slot is free again
        }
    }

    @Test
    void echoesTheClientsRequestIdOrMakesOne() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            assertThat(gw.post("/v1/chat/completions", CHAT, "x-request-id", "trace-123").headers().firstValue("x-request-id"))
                    .hasValue("trace-123");
            assertThat(gw.post("/v1/chat/completions", CHAT).headers().firstValue("x-request-id").orElseThrow()).hasSize(36);
            for (String path : List.of("/health", "/health/ready", "/", "/v1/models", "/v1/nowhere")) { // every response
                assertThat(gw.get(path, "x-request-id", "trace-" + path.length()).headers().firstValue("x-request-id"))
                        .as(path).hasValue("trace-" + path.length());
                assertThat(gw.get(path).headers().firstValue("x-request-id")).as(path).isPresent();
            }
        }
    }

    @Test
    void upstreamFailuresMapToGatewayStatuses() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            upstream.enqueue(Fault.status(401, "Incorrect API key provided"));
            HttpResponse<String> auth = gw.post("/v1/chat/completions", CHAT);
            assertThat(auth.statusCode()).isEqualTo(401);
            assertThat(error(auth).get("type").asText()).isEqualTo("authentication_error");

            upstream.enqueue(Fault.status(400, "This model's maximum context length is 128000 tokens."));
            HttpResponse<String> ctx = gw.post("/v1/chat/completions", CHAT);
            assertThat(ctx.statusCode()).isEqualTo(400);
            assertThat(error(ctx).get("code").asText()).isEqualTo("context_length_exceeded");

            upstream.enqueue(Fault.delayHeaders(Duration.ofSeconds(5)));
            long start = System.nanoTime();
            HttpResponse<String> slow = gw.post("/v1/chat/completions", CHAT);
            assertThat(slow.statusCode()).isEqualTo(504);
            assertThat(error(slow).get("type").asText()).isEqualTo("timeout_error");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            upstream.release();

            upstream.refuseConnections();
            HttpResponse<String> down = gw.post("/v1/chat/completions", CHAT);
            assertThat(down.statusCode()).isEqualTo(502);
            assertThat(error(down).get("message").asText()).contains("could not connect");
        }
    }

    /**
     * LiteLLM's stream_timeout bounds a stream's wait for its first byte only; a whole answer is bounded by timeout.
     * It used to cut the non-streamed call too: a 504 "sent no response head within 1000 ms".
     */
    @Test
    void streamTimeoutBoundsOnlyStreamsAndTimeoutTheWholeAnswer() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                .replace("timeout: 2}", "timeout: 10, stream_timeout: 1}").replace("first-byte-timeout: 1s", "first-byte-timeout: 60s"))) {
            upstream.enqueue(Fault.delayHeaders(Duration.ofMillis(1800)));
            long start = System.nanoTime();
            HttpResponse<String> whole = gw.post("/v1/chat/completions", CHAT);
            assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1800));

            upstream.enqueue(Fault.delayHeaders(Duration.ofSeconds(5)));
            start = System.nanoTime();
            HttpResponse<String> stream = gw.post("/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}"));
            assertThat(stream.statusCode()).as(stream.body()).isEqualTo(504);
            assertThat(error(stream).get("message").asText()).contains("no response head within 1000 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            upstream.release();
        }
    }

    /** A per-request timeout can only shorten the deadline: one past what nanoseconds hold is no 500 (a long overflow). */
    @Test
    void aHugePerRequestTimeoutIsServedAsIfAbsent() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            assertThat(gw.post("/v1/chat/completions", CHAT, "x-switchboard-timeout", "99999999999s").statusCode()).isEqualTo(200);
            for (String timeout : List.of("99999999999", "1e300", "\"99999999999s\"")) {
                HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT.replace("}]}", "}],\"timeout\":" + timeout + "}"));
                assertThat(r.statusCode()).as(timeout + ": " + r.body()).isEqualTo(200);
            }
            HttpResponse<String> negative = gw.post("/v1/chat/completions", CHAT.replace("}]}", "}],\"timeout\":-1e300}"));
            assertThat(negative.statusCode()).isEqualTo(400);
            assertThat(error(negative).get("param").asText()).isEqualTo("timeout");
        }
    }

    @Test
    void aMasterKeyIsRequiredWhenConfigured() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi();
                GatewayFixture gw = GatewayFixture.start(config(upstream, "  master-key: sk-master\n"))) {
            HttpResponse<String> none = gw.post("/v1/chat/completions", CHAT);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(error(none).get("type").asText()).isEqualTo("authentication_error");
            assertThat(gw.post("/v1/chat/completions", CHAT, "authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(gw.get("/v1/models").statusCode()).isEqualTo(401);
            assertThat(gw.get("/health/deployments").statusCode()).isEqualTo(401);
            assertThat(gw.get("/health/deployments", "authorization", "Bearer sk-master").statusCode()).isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions", CHAT, "authorization", "Bearer sk-master").statusCode()).isEqualTo(200);
            assertThat(gw.get("/v1/models", "authorization", "Bearer sk-master").statusCode()).isEqualTo(200);
            assertThat(gw.get("/health").statusCode()).isEqualTo(200);
            assertThat(upstream.lastRequest().headers().first("authorization")).hasValue("Bearer sk-up");
            // The key is checked before the body is read: a bad body without a key is a 401, not a 400 about the body.
            for (String[] call : new String[][] {{"/v1/chat/completions", "{not json"}, {"/v1/chat/completions", "{}"},
                    {"/v1/embeddings", "{}"}, {"/v1/messages", "{}"}, {"/v1/route", "{}"}, {"/v1/feedback", "{}"}}) {
                assertThat(gw.post(call[0], call[1]).statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
            }
            assertThat(gw.get("/v1/switchboard/info").statusCode()).isEqualTo(200); // tells the UI to ask for a key
        }
    }

    @Test
    void configuredBrowserOriginsGetCorsHeadersAndPreflightAnswers() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi();
                GatewayFixture gw = GatewayFixture.start(config(upstream, "").replace("shutdown-grace: 10s",
                        "shutdown-grace: 10s, cors-origins: [\"http://app.example\"]"))) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT, "origin", "http://app.example");
            assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("http://app.example");
            // Every routing header a response may carry is readable by the browser app, the cascade's included.
            assertThat(r.headers().firstValue("access-control-expose-headers").orElseThrow().split(",\\s*")).contains(
                    "x-switchboard-route", "x-switchboard-cascade", "x-switchboard-fallbacks", "x-switchboard-fallback-model",
                    "x-switchboard-cost", "x-switchboard-deployment", "x-switchboard-provider");
            assertThat(gw.post("/v1/chat/completions", CHAT, "origin", "http://evil.example").headers()
                    .firstValue("access-control-allow-origin")).isEmpty();
            var preflight = gw.send("OPTIONS", "/v1/chat/completions", "origin", "http://app.example",
                    "access-control-request-method", "POST");
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-headers").orElseThrow()).contains("authorization");
        }
    }

    @Test
    void healthAndReadinessAnswerWithoutAKey() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            assertThat(gw.get("/health").body()).contains("ok");
            HttpResponse<String> ready = gw.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(Json.parseBody(ready.body().getBytes()).get("deployments").asInt()).isEqualTo(1);
        }
    }

    @Test
    void shutdownLetsAnInFlightStreamFinish() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi()) {
            GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                    .replace("first-byte-timeout: 1s", "first-byte-timeout: 10s").replace("timeout: 2}", "timeout: 20}"));
            upstream.enqueue(Fault.delayFirstChunk(Duration.ofMillis(800)));
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return gw.post("/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            while (upstream.requests().isEmpty()) Thread.onSpinWait();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(gw::close);
            HttpResponse<String> finished = inFlight.get();
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).contains("\"content\":\"hi\"").endsWith("data: [DONE]\n\n");
            stopping.get();
        }
    }

    /**
     * Streams still open when the grace period ends are cut, not dropped: each ends with its dialect's error event
     * (OpenAI: an error object as data and no [DONE]; Anthropic: {@code event: error}), the ledger records why, and
     * shutdown returns right after the grace period. The connections used to be closed mid-stream, a while later.
     */
    @Test
    void streamsStillOpenWhenTheGraceEndsGetAnErrorEventAndTheLedgerRecordsTheCut() throws Exception {
        Path ledger = Files.createTempDirectory("shutdown").resolve("ledger.db");
        try (FakeUpstream upstream = FakeUpstream.openAi()) {
            GatewayFixture gw = GatewayFixture.start(config(upstream, "").replace("shutdown-grace: 10s", "shutdown-grace: 1s")
                    .replace("timeout: 2}", "timeout: 60}")
                    .replace("ledger: {store: none}", "ledger: {store: sqlite, path: \"" + ledger + "\", flush-interval: 20ms}"));
            upstream.enqueue(Fault.stallAfter(2)).enqueue(Fault.stallAfter(2));
            CompletableFuture<HttpResponse<String>> openAi = CompletableFuture.supplyAsync(() -> post(gw, "/v1/chat/completions",
                    CHAT.replace("}]}", "}],\"stream\":true}"), "x-request-id", "cut-openai"));
            CompletableFuture<HttpResponse<String>> anthropic = CompletableFuture.supplyAsync(() -> post(gw, "/v1/messages",
                    CHAT.replace("}]}", "}],\"max_tokens\":100,\"stream\":true}"), "x-request-id", "cut-anthropic",
                    "anthropic-version", "2023-06-01"));
            while (upstream.requests().size() < 2) Thread.onSpinWait();
            Thread.sleep(200); // both streams past their first events, now waiting on the stalled upstream

            long start = System.nanoTime();
            gw.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(950), Duration.ofMillis(1600));

            HttpResponse<String> o = openAi.get(5, TimeUnit.SECONDS);
            assertThat(o.statusCode()).isEqualTo(200);
            assertThat(o.body()).contains("\"content\":").doesNotContain("[DONE]");
            String last = o.body().strip().lines().reduce((x, y) -> y).orElseThrow();
            JsonNode error = Json.parseBody(last.substring("data: ".length()).getBytes()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("gateway_shutdown");
            assertThat(error.get("message").asText()).contains("shut down");

            HttpResponse<String> a = anthropic.get(5, TimeUnit.SECONDS);
            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(a.body()).contains("event: content_block_delta").contains("event: error").doesNotContain("message_stop");
            assertThat(a.body().strip()).contains("shut down");
        }
        try (SqliteLedgerStore store = new SqliteLedgerStore(ledger)) {
            for (String id : List.of("cut-openai", "cut-anthropic")) {
                assertThat(store.find(id)).as(id).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo("gateway_shutdown"));
            }
        }
    }

    /**
     * Requests that run several model calls, cut when the grace period ends: each call is in the ledger as cut by the
     * shutdown. A split switchboard/auto request (whole or streamed) left no record at all (its parts ran on until
     * the engine closed, after the ledger had closed), and a cascade recorded its tier as an upstream timeout, then
     * asked the next tier.
     */
    @Test
    void splitRequestsAndCascadesCutAtShutdownLeaveEveryCallInTheLedger() throws Exception {
        Path ledger = Files.createTempDirectory("shutdown").resolve("ledger.db");
        String slow = "{tokens-per-second: 4}";
        String quality = "quality: {low: 0.95, high: 0.9}";
        GatewayFixture gw = GatewayFixture.start("""
                model_list:
                  - model_name: small
                    litellm_params: {model: simulated/small, simulation: %s}
                    model_info: {tier: 1, %s}
                  - model_name: large
                    litellm_params: {model: simulated/large, simulation: %s}
                    model_info: {tier: 2, %s}
                switchboard:
                  server: {port: 0, shutdown-grace: 1s}
                  ledger: {store: sqlite, path: "%s", flush-interval: 20ms}
                  cascades:
                    cheap-first: {models: [small, large]}
                """.formatted(slow, quality, slow, quality, ledger));
        String compound = "Write the API docs for /users AND implement the OAuth2 middleware in FastAPI.";
        String auto = "{\"model\":\"switchboard/auto\",\"messages\":[{\"role\":\"user\",\"content\":\"" + compound + "\"}]";
        CompletableFuture<HttpResponse<String>> whole = CompletableFuture.supplyAsync(() ->
                post(gw, "/v1/chat/completions", auto + "}", "x-request-id", "cut-split"));
        CompletableFuture<HttpResponse<String>> streamed = CompletableFuture.supplyAsync(() ->
                post(gw, "/v1/chat/completions", auto + ",\"stream\":true}", "x-request-id", "cut-split-stream"));
        CompletableFuture<HttpResponse<String>> cascade = CompletableFuture.supplyAsync(() -> post(gw, "/v1/chat/completions",
                CHAT.replace("gpt-4o-mini", "cheap-first"), "x-request-id", "cut-cascade"));
        Thread.sleep(500); // every call under way: answers at 4 tokens a second take far longer than the grace period

        long start = System.nanoTime();
        gw.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        assertThat(error(whole.get(5, TimeUnit.SECONDS)).get("code").asText()).isEqualTo("gateway_shutdown");
        assertThat(streamed.get(5, TimeUnit.SECONDS).body()).contains("gateway_shutdown").doesNotContain("[DONE]");
        assertThat(error(cascade.get(5, TimeUnit.SECONDS)).get("code").asText()).isEqualTo("gateway_shutdown");

        try (SqliteLedgerStore store = new SqliteLedgerStore(ledger)) {
            for (String id : List.of("cut-split", "cut-split-stream")) {
                assertThat(store.find(id)).as(id).extracting(r -> r.requestId() + " " + r.status())
                        .containsExactlyInAnyOrder(id + ".0 gateway_shutdown", id + ".1 gateway_shutdown");
            }
            assertThat(store.find("cut-cascade")).extracting(r -> r.requestId() + " " + r.status())
                    .containsExactly("cut-cascade.t1 gateway_shutdown");
        }
    }

    /**
     * OpenAI ends a stream asked for usage with a usage chunk. From an OpenAI-compatible upstream that sends none, the
     * client gets the gateway's count instead, marked as an estimate, and the ledger records the same counts.
     */
    @Test
    void aClientAskingForUsageGetsTheGatewaysEstimateWhenTheUpstreamSendsNone() throws Exception {
        Path ledger = Files.createTempDirectory("usage").resolve("ledger.db");
        String withUsage = CHAT.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        JsonNode usageChunk;
        HttpResponse<String> without;
        try (FakeUpstream upstream = FakeUpstream.openAi()) {
            GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                    .replace("ledger: {store: none}", "ledger: {store: sqlite, path: \"" + ledger + "\", flush-interval: 20ms}"));
            upstream.enqueue(Fault.omitUsage()).enqueue(Fault.omitUsage());
            HttpResponse<String> with = post(gw, "/v1/chat/completions", withUsage, "x-request-id", "no-usage");
            without = post(gw, "/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}"));
            gw.close();

            List<String> events = with.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
            assertThat(events.getLast()).isEqualTo("[DONE]");
            usageChunk = Json.parseBody(events.get(events.size() - 2).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("prompt_tokens").asInt()).isPositive();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isPositive();
        assertThat(usageChunk.path("usage").path("total_tokens").asInt()).isEqualTo(
                usageChunk.path("usage").path("prompt_tokens").asInt() + usageChunk.path("usage").path("completion_tokens").asInt());
        assertThat(usageChunk.path("switchboard").path("usage_estimated").asBoolean()).isTrue();
        assertThat(without.body()).endsWith("data: [DONE]\n\n").doesNotContain("\"usage\"").doesNotContain("usage_estimated");
        try (SqliteLedgerStore store = new SqliteLedgerStore(ledger)) {
            assertThat(store.find("no-usage")).singleElement().satisfies(r -> {
                assertThat(r.usage().promptTokens()).isEqualTo(usageChunk.path("usage").path("prompt_tokens").asInt());
                assertThat(r.usage().completionTokens()).isEqualTo(usageChunk.path("usage").path("completion_tokens").asInt());
            });
        }
    }

    /** The same for a whole answer: the client and the ledger get the gateway's count instead of none and $0. */
    @Test
    void aWholeAnswerWithoutUsageGetsTheGatewaysEstimateAndTheLedgerRecordsIt() throws Exception {
        Path ledger = Files.createTempDirectory("usage").resolve("ledger.db");
        JsonNode answer;
        HttpResponse<String> r;
        try (FakeUpstream upstream = FakeUpstream.openAi()) {
            GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                    .replace("ledger: {store: none}", "ledger: {store: sqlite, path: \"" + ledger + "\", flush-interval: 20ms}"));
            upstream.enqueue(Fault.omitUsage());
            r = post(gw, "/v1/chat/completions", CHAT, "x-request-id", "whole-no-usage");
            gw.close();
            answer = Json.parseBody(r.body().getBytes(StandardCharsets.UTF_8));
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(answer.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(answer.at("/switchboard/usage_estimated").asBoolean()).isTrue();
        assertThat(Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow())).isPositive();
        try (SqliteLedgerStore store = new SqliteLedgerStore(ledger)) {
            assertThat(store.find("whole-no-usage")).singleElement().satisfies(row -> {
                assertThat(row.usage().promptTokens()).isEqualTo(answer.at("/usage/prompt_tokens").asInt());
                assertThat(row.usage().completionTokens()).isEqualTo(answer.at("/usage/completion_tokens").asInt());
                assertThat(row.costUsd()).isPositive();
            });
        }
    }

    private static HttpResponse<String> post(GatewayFixture gw, String path, String body, String... headers) {
        try {
            return gw.post(path, body, headers);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /**
     * A client that resets its connection while its answer is on the way is no gateway failure: nothing is logged
     * as one (Helidon reports the broken write unchecked, which used to reach the "failed inside the gateway" log),
     * and the gateway goes on serving.
     */
    @Test
    void aClientThatHangsUpIsNotAGatewayFailure() throws Exception {
        try (LogCapture severe = new LogCapture(Logger.getLogger(Gate.class.getName()), Level.SEVERE);
                FakeUpstream upstream = FakeUpstream.openAi()) {
            GatewayFixture gw = GatewayFixture.start(config(upstream, ""));
            try {
                String stream = CHAT.replace("}]}", "}],\"stream\":true}");
                for (String body : List.of(CHAT, stream)) {
                    int before = upstream.requests().size();
                    upstream.enqueue(body == CHAT ? Fault.delayHeaders(Duration.ofMillis(300))
                            : Fault.delayFirstChunk(Duration.ofMillis(300)));
                    URI uri = URI.create(gw.base());
                    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                        OutputStream out = socket.getOutputStream();
                        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        while (upstream.requests().size() == before) Thread.onSpinWait();
                        socket.setSoLinger(true, 0); // close with a reset: the gateway's first write fails
                    }
                    Thread.sleep(700); // the upstream answers after 300 ms; the gateway then writes to the reset socket
                }
                assertThat(severe.records()).extracting(LogRecord::getMessage).isEmpty();
                assertThat(gw.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
            } finally {
                gw.close();
            }
        }
    }

    /** HEAD gets a GET resource's status and headers and no body, so the next answer on the connection is intact. */
    @Test
    void headAnswersWithoutABody() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            URI uri = URI.create(gw.base());
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("HEAD /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        + "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                StringBuilder read = new StringBuilder();
                byte[] buffer = new byte[8192];
                while (!read.toString().contains("{\"status\"")) {
                    int n = socket.getInputStream().read(buffer);
                    if (n < 0) break;
                    read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
                String both = read.toString();
                int split = both.indexOf("\r\n\r\n");
                assertThat(both).startsWith("HTTP/1.1 200");
                assertThat(both.substring(split + 4)).as("the GET's answer follows the HEAD's headers at once")
                        .startsWith("HTTP/1.1 200").endsWith("{\"status\":\"ok\"}");
            }
        }
    }

    /** What the web server refuses before routing (a malformed escape, an oversized URL) still gets an error object. */
    @Test
    void aRequestTheServerCannotReadGetsAnErrorObject() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            URI uri = URI.create(gw.base());
            for (String target : List.of("/v1/models/%ZZ", "/health?x=" + "a".repeat(20_000))) {
                try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(answer).as(target.substring(0, Math.min(16, target.length()))).matches("(?s)HTTP/1.1 4\\d\\d .*")
                            .containsIgnoringCase("x-request-id: ").contains("{\"error\":{\"message\":\"The request could not be read");
                }
            }
        }
    }

    /** The first response on a raw connection: its head and body, read up to its Content-Length. */
    private static String rawExchange(GatewayFixture gw, byte[] request) throws Exception {
        URI uri = URI.create(gw.base());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            var in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) break;
                head.append((char) b);
            }
            var length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
            assertThat(length.find()).as(head.toString()).isTrue();
            return head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
        }
    }

    /** The whole answer on a raw connection, read until the server closes it (a timeout if it never does). */
    /** The access log's lines, one JSON object each. */
    private static List<JsonNode> json(LogCapture access) {
        return access.records().stream().map(r -> Json.parseBody(r.getMessage().getBytes(StandardCharsets.UTF_8))).toList();
    }

    private static String rawUntilClosed(GatewayFixture gw, String request) throws Exception {
        URI uri = URI.create(gw.base());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * HTTP/1.0 clients (load-balancer health checks, ab, nginx's default upstream protocol) are served, one request per
     * connection that closes after the answer; a stream comes without chunk framing, which 1.0 does not know.
     */
    @Test
    void http10ClientsAreServedAndTheConnectionClosesAfterTheAnswer() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            assertThat(rawUntilClosed(gw, "GET /health HTTP/1.0\r\n\r\n")).as("no Host, as HAProxy sends it")
                    .startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close").endsWith("{\"status\":\"ok\"}");
            assertThat(rawUntilClosed(gw, "GET /health/ready HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close").contains("\"status\":\"ready\"");
            assertThat(rawUntilClosed(gw, "GET /v1/models HTTP/1.0\r\nHost: localhost\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 ").contains("\"id\":\"gpt-4o-mini\"");
            assertThat(rawUntilClosed(gw, "OPTIONS / HTTP/1.0\r\n\r\n")).as("HAProxy's default check")
                    .startsWith("HTTP/1.1 204 ").containsIgnoringCase("allow: GET, HEAD, OPTIONS");

            String chat = rawUntilClosed(gw, "POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
            assertThat(chat).startsWith("HTTP/1.1 200 ").contains("\"object\":\"chat.completion\"");

            String streamed = CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"");
            String stream = rawUntilClosed(gw, "POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + streamed.length() + "\r\n\r\n" + streamed);
            String head = stream.substring(0, stream.indexOf("\r\n\r\n"));
            String body = stream.substring(head.length() + 4);
            assertThat(head).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-type: text/event-stream")
                    .doesNotContainIgnoringCase("transfer-encoding");
            assertThat(body).as("bare events, no chunk sizes").startsWith("data: {").endsWith("data: [DONE]\n\n");
            assertThat(upstream.requests()).hasSize(2);
        }
    }

    /**
     * A body refused before it is read (over the size limit) ends the connection with its answer: a client that sent
     * {@code Expect: 100-continue} got no 100, and what it sends next (the body, or another request) cannot be told apart.
     */
    @Test
    void aBodyRefusedUnreadEndsTheConnection() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            String answer = rawUntilClosed(gw, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 20000\r\n\r\n"
                    + "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close")
                    .contains("\"code\":\"request_too_large\"").doesNotContain("{\"status\":\"ok\"}");
            assertThat(upstream.requests()).isEmpty();
        }
    }

    /**
     * A client that sends its headers and part of its body, then stalls, loses its connection after {@code body-timeout}
     * and gives its concurrency slot back; a slow body that keeps coming is read.
     */
    @Test
    void aBodyThatStallsEndsTheConnectionAfterTheBodyTimeout() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                .replace("shutdown-grace: 10s}", "shutdown-grace: 10s, body-timeout: 1s}"))) {
            URI uri = URI.create(gw.base());
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"mod").getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                assertThat(socket.getInputStream().read()).as("the server closed the connection").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!gw.get("/health/ready").body().contains("\"in_flight\":0") && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(gw.get("/health/ready").body()).contains("\"in_flight\":0");

            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Connection: close\r\nContent-Length: " + CHAT.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < CHAT.length(); i += CHAT.length() / 3 + 1) {
                    out.write(CHAT.substring(i, Math.min(CHAT.length(), i + CHAT.length() / 3 + 1)).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(600); // each part within the timeout, the whole body beyond it
                }
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .startsWith("HTTP/1.1 200 ").contains("\"object\":\"chat.completion\"");
            }
            assertThat(upstream.requests()).hasSize(1);
        }
    }

    /**
     * A client that trickles header lines (each well inside any read timeout, "slowloris") gets a 408 error object once
     * {@code header-timeout} has passed since its request line, and the connection ends; headers that come in time are
     * served, and a keep-alive connection may wait longer than the timeout between requests.
     */
    @Test
    void headersThatTrickleInEndWithA408AfterTheHeaderTimeout() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                .replace("shutdown-grace: 10s}", "shutdown-grace: 10s, header-timeout: 1s}"))) {
            URI uri = URI.create(gw.base());
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                AtomicBoolean answered = new AtomicBoolean();
                Thread trickle = Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 30 && !answered.get(); i++) {
                            Thread.sleep(200);
                            if (!answered.get()) out.write(("X-Line-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                    } catch (Exception e) {
                        // the server closed the connection
                    }
                });
                var in = socket.getInputStream();
                int first = in.read();
                answered.set(true);
                String answer = (char) first + new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                trickle.join();
                assertThat(answer).startsWith("HTTP/1.1 408 ").containsIgnoringCase("connection: close")
                        .containsIgnoringCase("x-request-id: ")
                        .contains("\"type\":\"invalid_request_error\"").contains("header-timeout");
                assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(4_000));
            }
            assertThat(upstream.requests()).isEmpty();

            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(300);
                out.write("Content-Type: application/json\r\n".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(300);
                out.write(("Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT).getBytes(StandardCharsets.US_ASCII));
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).startsWith("HTTP/1.1 200 ");
                Thread.sleep(1_500); // idle between requests, longer than the header timeout
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT)
                        .getBytes(StandardCharsets.US_ASCII));
                String rest = in.lines().collect(java.util.stream.Collectors.joining("\n"));
                assertThat(rest).contains("HTTP/1.1 200 ").doesNotContain(" 408 ");
            }
            assertThat(upstream.requests()).hasSize(2);
        }
    }

    /**
     * {@code idle-timeout} closes a connection that waits longer for its first or next request line, and the wait
     * starts over with every request.
     */
    @Test
    void connectionsIdleLongerThanTheIdleTimeoutAreClosed() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                .replace("shutdown-grace: 10s}", "shutdown-grace: 10s, idle-timeout: 2s}"))) {
            URI uri = URI.create(gw.base());
            try (Socket silent = new Socket(uri.getHost(), uri.getPort())) {
                silent.setSoTimeout(10_000);
                long start = System.nanoTime();
                assertThat(silent.getInputStream().read()).as("the server closed the connection").isEqualTo(-1);
                // The server's idle clock counts whole seconds: closed between one and three seconds on, plus a check period.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
            }
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                var in = socket.getInputStream();
                for (int i = 0; i < 4; i++) { // requests 600 ms apart, 2.4 s in all: each within the timeout of the one before
                    out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    StringBuilder answer = new StringBuilder();
                    for (int b; !answer.toString().endsWith("{\"status\":\"ok\"}") && (b = in.read()) >= 0; ) answer.append((char) b);
                    assertThat(answer.toString()).startsWith("HTTP/1.1 200 ").endsWith("{\"status\":\"ok\"}");
                    Thread.sleep(600);
                }
                long start = System.nanoTime();
                assertThat(in.read()).as("closed once idle after its last answer").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    /** A client that says {@code Connection: close} sees the connection end after its answer (RFC 9112 §9.6). */
    @Test
    void connectionCloseEndsTheConnectionAfterTheAnswer() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            assertThat(rawUntilClosed(gw, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 ").endsWith("{\"status\":\"ok\"}");
            assertThat(rawUntilClosed(gw, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT))
                    .startsWith("HTTP/1.1 200 ").contains("\"object\":\"chat.completion\"");
        }
    }

    /**
     * A chunked body whose framing is broken is the client's mistake: a 400 error object at once, not a logged gateway
     * failure, and the connection ends with it (where the next request would start is lost).
     */
    @Test
    void aMalformedChunkedBodyIsA400() throws Exception {
        try (LogCapture severe = new LogCapture(Logger.getLogger(Gate.class.getName()), Level.SEVERE);
                FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            for (String chunks : List.of("zz\r\nabc\r\n0\r\n\r\n", "0x2\r\n{}\r\n0\r\n\r\n", "-5\r\nabc\r\n", "-5\r\n")) {
                String answer = rawUntilClosed(gw, ("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks));
                assertThat(answer).as(chunks).startsWith("HTTP/1.1 400 ").containsIgnoringCase("x-request-id: ")
                        .contains("\"message\":\"The request body could not be read: its chunked transfer encoding is malformed")
                        .contains("\"type\":\"invalid_request_error\"")
                        .as("the next request's start is lost: the answer closes the connection").containsIgnoringCase("connection: close");
            }
            assertThat(severe.records()).extracting(LogRecord::getMessage).isEmpty();
            assertThat(upstream.requests()).isEmpty();
        }
    }

    /**
     * A compressed body the gateway cannot decode is a 415 saying so, and what the web server refuses on its own
     * (no Host, headers too large: 431) says why instead of a bare "Bad Request".
     */
    @Test
    void whatTheServerRefusesSaysWhy() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            var gzipped = new java.io.ByteArrayOutputStream();
            try (var zip = new java.util.zip.GZIPOutputStream(gzipped)) {
                zip.write(CHAT.getBytes(StandardCharsets.UTF_8));
            }
            byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Encoding: gzip\r\nContent-Length: " + gzipped.size() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = java.util.Arrays.copyOf(head, head.length + gzipped.size());
            System.arraycopy(gzipped.toByteArray(), 0, request, head.length, gzipped.size());
            assertThat(rawExchange(gw, request)).startsWith("HTTP/1.1 415 ").containsIgnoringCase("x-request-id: ")
                    .contains("Content-Encoding 'gzip' is not supported; send the request body uncompressed");

            byte[] messagesHead = new String(head, StandardCharsets.US_ASCII).replace("/v1/chat/completions", "/v1/messages")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] messages = java.util.Arrays.copyOf(messagesHead, messagesHead.length + gzipped.size());
            System.arraycopy(gzipped.toByteArray(), 0, messages, messagesHead.length, gzipped.size());
            assertThat(rawExchange(gw, messages)).as("Anthropic's error shape on its endpoint").startsWith("HTTP/1.1 415 ")
                    .contains("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"The request could not be read: Content-Encoding 'gzip'");

            assertThat(rawExchange(gw, ("GET /health HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII)))
                    .startsWith("HTTP/1.1 400 ").contains("Host header must be present");
            assertThat(rawExchange(gw, ("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(65_536)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)))
                    .startsWith("HTTP/1.1 431 Request Header Fields Too Large").contains("\"type\":\"invalid_request_error\"")
                    .contains("Request header fields too large: the request's header lines together exceed the server's limit of 16384 bytes"
                            + " (switchboard.server.max-header-bytes)");
            assertThat(rawExchange(gw, ("GET /health?" + "q".repeat(5_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)))
                    .startsWith("HTTP/1.1 414 ").containsIgnoringCase("x-request-id: ")
                    .contains("Request line too long: the method, URL and protocol exceed the server's limit of 4096 bytes");
            assertThat(upstream.requests()).isEmpty();
        }
    }

    /**
     * Request bodies held at once are bounded: with room for one 3 KB body, a second arriving meanwhile waits until the
     * first request ends, then is served (its upstream call starts only after the first's answer).
     */
    @Test
    void bodiesPastTheBufferedBudgetWaitForRoom() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                .replace("shutdown-grace: 10s", "shutdown-grace: 10s, max-buffered-body-bytes: 4096"))) {
            String big = CHAT.replace("\"hi\"", "\"" + "padding ".repeat(375) + "\"");
            assertThat(big.length()).isBetween(3000, 4096);
            upstream.enqueue(Fault.delayHeaders(Duration.ofMillis(800)));
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> post(gw, big));
            Thread.sleep(300); // the first holds its body's room, waiting on the upstream
            long start = System.nanoTime();
            HttpResponse<String> second = post(gw, big);
            // Timed, not "is the first's future done": the client completes that future on its own thread, which on a
            // busy machine can come after the second answer although the gateway sent the first one before it.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the first to end")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(upstream.requests()).hasSize(2);
        }
    }

    /** An upstream answer read whole holds room in the same budget, at twice its size, until its request ends. */
    @Test
    void answersReadWholeHoldRoomUntilTheirRequestEnds() throws Exception {
        try (FakeUpstream slow = FakeUpstream.openAi(); FakeUpstream other = FakeUpstream.openAi();
                GatewayFixture gw = GatewayFixture.start("""
                        model_list:
                          - model_name: gpt-4o-mini
                            litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-up}
                          - model_name: other
                            litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-up}
                        switchboard:
                          server: {port: 0, max-body-bytes: 4096, max-buffered-body-bytes: 4096}
                          ledger: {store: none}
                        """.formatted(slow.apiBase(), other.apiBase()))) {
            // The first request's first attempt gets a 500 whose ~1.5 KB body is read whole (3 KB of room); its retry
            // then waits on the upstream, the room still held.
            slow.enqueue(Fault.rawError(500, "{\"error\":{\"message\":\"" + "x".repeat(1500) + "\"}}"));
            slow.enqueue(Fault.delayHeaders(Duration.ofMillis(900)));
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> post(gw, CHAT));
            Thread.sleep(300);
            // Room enough for this body beside the first's, but not beside its answer as well; another upstream answers it.
            String body = CHAT.replace("\"hi\"", "\"" + "padding ".repeat(150) + "\"").replace("gpt-4o-mini", "other");
            long start = System.nanoTime();
            HttpResponse<String> second = post(gw, body);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the first to end (timed, as above)")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(slow.requests()).hasSize(2);
            assertThat(other.requests()).hasSize(1);
        }
    }

    private static HttpResponse<String> post(GatewayFixture gw, String body) {
        try {
            return gw.post("/v1/chat/completions", body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header and request-line limits are the configured ones, both ways: more is served, past them is refused. */
    @Test
    void headerAndRequestLineLimitsFollowTheConfig() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, "")
                .replace("shutdown-grace: 10s", "shutdown-grace: 10s, max-header-bytes: 32kb, max-request-line-bytes: 1kb"))) {
            String bigHeader = "X-Big: " + "a".repeat(24_000) + "\r\n";
            assertThat(rawExchange(gw, ("GET /health HTTP/1.1\r\nHost: localhost\r\n" + bigHeader + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII))).as("24 KB of headers under a 32 KB limit").startsWith("HTTP/1.1 200 ");
            assertThat(rawExchange(gw, ("GET /health HTTP/1.1\r\nHost: localhost\r\n" + bigHeader + bigHeader + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII))).startsWith("HTTP/1.1 431 ").contains("limit of 32768 bytes");
            assertThat(rawExchange(gw, ("GET /health?" + "q".repeat(900) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII))).startsWith("HTTP/1.1 200 ");
            assertThat(rawExchange(gw, ("GET /health?" + "q".repeat(1_100) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII))).startsWith("HTTP/1.1 414 ").contains("limit of 1024 bytes");
        }
    }

    /** {@code identity} means "no encoding" (RFC 9110): such a body is read as it is, in any letter case. */
    @Test
    void identityContentEncodingIsAPlainBody() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi(); GatewayFixture gw = GatewayFixture.start(config(upstream, ""))) {
            for (String coding : List.of("identity", "Identity")) {
                byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);
                byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Encoding: " + coding + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                byte[] request = java.util.Arrays.copyOf(head, head.length + body.length);
                System.arraycopy(body, 0, request, head.length, body.length);
                assertThat(rawExchange(gw, request)).as(coding).startsWith("HTTP/1.1 200 ").contains("\"chat.completion\"");
            }
            assertThat(upstream.requests()).hasSize(2);
            assertThat(new String(upstream.requests().getFirst().body(), StandardCharsets.UTF_8)).contains("\"content\":\"hi\"");
        }
    }

    /**
     * Every failed request has one access line: a failure before the pipeline (bad JSON) the gateway's edge writes,
     * one inside it (an upstream's refusal) the pipeline's, and the edge does not add a second.
     */
    @Test
    void eachFailedRequestHasOneAccessLine() throws Exception {
        try (LogCapture access = new LogCapture(AccessLog.LOGGER, Level.ALL);
                FakeUpstream upstream = FakeUpstream.openAi();
                GatewayFixture gw = GatewayFixture.start(config(upstream, "").replace("shutdown-grace: 10s}",
                        "shutdown-grace: 10s, log-requests: true}"))) {
            upstream.enqueue(Fault.status(400, "Invalid value for 'temperature'."));
            record Case(String body, int status) {}
            for (Case c : List.of(new Case("{not json", 400), new Case(CHAT, 400), new Case(CHAT, 200))) {
                HttpResponse<String> r = gw.post("/v1/chat/completions", c.body());
                assertThat(r.statusCode()).as(c.body()).isEqualTo(c.status());
                String id = r.headers().firstValue("x-request-id").orElseThrow();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (json(access).stream().noneMatch(l -> l.path("request_id").asText().equals(id)) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(100); // time for a second line, were there one
                assertThat(json(access)).as(c.body()).filteredOn(l -> l.path("request_id").asText().equals(id))
                        .extracting(l -> l.path("status").asInt()).containsExactly(c.status());
            }
        }
    }
}
