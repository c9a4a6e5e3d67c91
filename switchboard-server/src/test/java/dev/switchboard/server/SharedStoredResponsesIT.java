package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.FakeUpstream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stored /v1/responses answers with {@code switchboard.redis} set: two replicas on one Redis (127.0.0.1:6379, keys
 * under a prefix of this test's own, expiring with the TTL) each serve, continue and delete what the other stored; and
 * a replica whose Redis went away keeps new answers in its own memory and says 503 for those it cannot reach.
 */
class SharedStoredResponsesIT {
    static FakeUpstream upstream;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.openAi();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    private static String config(String redisUrl) {
        return config(redisUrl, "16mb");
    }

    private static String config(String redisUrl, String room) {
        return """
                model_list:
                  - model_name: gpt-4o-mini
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-upstream}
                switchboard:
                  server: {port: 0, stored-responses-ttl: 5m, stored-responses-bytes: %s}
                  ledger: {store: none}
                  redis: {url: "%s", key-prefix: "switchboard-test:%s:"}
                """.formatted(upstream.apiBase(), room, redisUrl, UUID.randomUUID());
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parseBody(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aResponseStoredByOneReplicaIsReadContinuedAndDeletedOnAnother() throws Exception {
        String yaml = config("redis://127.0.0.1:6379/0");
        try (GatewayFixture first = GatewayFixture.start(yaml); GatewayFixture second = GatewayFixture.start(yaml)) {
            JsonNode made = ok(first.post("/v1/responses",
                    "{\"model\":\"gpt-4o-mini\",\"instructions\":\"Be brief.\",\"input\":\"my name is Ada\"}"));
            String id = made.get("id").asText();

            JsonNode read = ok(second.get("/v1/responses/" + id));
            assertThat(read).isEqualTo(made);

            JsonNode next = ok(second.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"previous_response_id\":\"" + id
                    + "\",\"input\":\"what is my name?\"}"));
            assertThat(OpenAiResponsesSdkIT.messages(upstream.lastRequest().bodyJson())).containsExactly(
                    "user: my name is Ada", "assistant: echo: my name is Ada", "user: what is my name?");
            assertThat(next.get("previous_response_id").asText()).isEqualTo(id);

            // Another key may not see it: with no master key every caller is the same anonymous principal, so the
            // owner check is covered by the single-replica ITs; here the fleet-wide delete.
            assertThat(second.send("DELETE", "/v1/responses/" + id).statusCode()).isEqualTo(200);
            HttpResponse<String> gone = first.get("/v1/responses/" + id);
            assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
            assertThat(first.send("DELETE", "/v1/responses/" + id).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void storeFalseKeepsNothingInRedis() throws Exception {
        String yaml = config("redis://127.0.0.1:6379/0");
        try (GatewayFixture first = GatewayFixture.start(yaml); GatewayFixture second = GatewayFixture.start(yaml)) {
            String id = ok(first.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\",\"store\":false}"))
                    .get("id").asText();
            assertThat(second.get("/v1/responses/" + id).statusCode()).isEqualTo(404);
            assertThat(first.get("/v1/responses/" + id).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aResponseLargerThanTheWholeRoomIsNotKeptInRedisEither() throws Exception {
        try (GatewayFixture gateway = GatewayFixture.start(config("redis://127.0.0.1:6379/0", "4kb"))) {
            String small = ok(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}")).get("id").asText();
            String large = ok(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"" + "x".repeat(5000) + "\"}"))
                    .get("id").asText();
            assertThat(gateway.get("/v1/responses/" + small).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/v1/responses/" + large).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void withRedisGoneAReplicaKeepsNewAnswersItselfAndSays503ForTheRest() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitListening(port);
            try (GatewayFixture gateway = GatewayFixture.start(config("redis://127.0.0.1:" + port + "/0"))) {
                String inRedis = ok(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"one\"}")).get("id").asText();
                ok(gateway.get("/v1/responses/" + inRedis));

                redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

                HttpResponse<String> unreachable = gateway.get("/v1/responses/" + inRedis);
                assertThat(unreachable.statusCode()).as(unreachable.body()).isEqualTo(503);
                assertThat(unreachable.body()).contains("stored_responses_unavailable").contains("switchboard.redis.timeout");

                JsonNode kept = ok(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"two\"}"));
                assertThat(ok(gateway.get("/v1/responses/" + kept.get("id").asText()))).isEqualTo(kept);
                ok(gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"three\",\"previous_response_id\":\""
                        + kept.get("id").asText() + "\"}"));
                assertThat(OpenAiResponsesSdkIT.messages(upstream.lastRequest().bodyJson())).containsExactly(
                        "user: two", "assistant: echo: two", "user: three");
            }
        } finally {
            redis.destroyForcibly();
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("redis-server did not listen on " + port);
    }
}
