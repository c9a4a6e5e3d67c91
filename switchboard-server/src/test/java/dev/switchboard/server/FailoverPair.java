package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.FakeUpstream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A model group {@code chat} of two deployments on separate fake upstreams, in a fixed order:
 * {@code primary} (gpt-4o-mini on {@link #a}, the cheaper, so cost-based routing tries it first) and
 * {@code backup} (gpt-4o on {@link #b}). A third group {@code chat-large} (gpt-4.1 on {@link #b}, a
 * 1M-token window) is the context-window fallback of {@code chat}. The ledger is a SQLite file.
 */
final class FailoverPair implements AutoCloseable {
    static final double PRIMARY_IN = 0.15, PRIMARY_OUT = 0.60, BACKUP_IN = 2.50, BACKUP_OUT = 10.0;

    final FakeUpstream a = FakeUpstream.openAi();
    final FakeUpstream b = FakeUpstream.openAi();
    final Path dir;
    final GatewayFixture gw;

    /** Short limits so failures resolve in well under a second; {@code extra} is appended under {@code switchboard}. */
    static final String DEFAULT_RELIABILITY = """
              reliability:
                retries: {rate-limit: 1, server-error: 1, connection: 1, timeout: 0}
                backoff-base: 10ms
                backoff-max: 40ms
                circuit: {failure-threshold: 3, window: 60s, cool-down: 500ms}
            """;

    static final String FAST_TIMEOUTS = "connect-timeout: 1s, first-byte-timeout: 400ms, idle-timeout: 400ms, total-timeout: 5s";

    FailoverPair() {
        this(DEFAULT_RELIABILITY, "", FAST_TIMEOUTS);
    }

    FailoverPair(String reliability, String routerExtra, String upstreamTimeouts) {
        this(reliability, routerExtra, upstreamTimeouts, "");
    }

    /** @param serverExtra more {@code switchboard.server} settings, e.g. {@code ", sse-keep-alive: 100ms"} */
    FailoverPair(String reliability, String routerExtra, String upstreamTimeouts, String serverExtra) {
        try {
            dir = Files.createTempDirectory("failover");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        gw = GatewayFixture.start("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-a}
                    model_info: {id: primary, input_cost_per_token: %s, output_cost_per_token: %s, max_input_tokens: 128000}
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o, api_base: "%s", api_key: sk-b}
                    model_info: {id: backup, input_cost_per_token: %s, output_cost_per_token: %s, max_input_tokens: 128000}
                  - model_name: chat-large
                    litellm_params: {model: openai/gpt-4.1, api_base: "%s", api_key: sk-b}
                    model_info: {id: large, input_cost_per_token: 0.000002, output_cost_per_token: 0.000008, max_input_tokens: 1000000}
                router_settings:
                  routing_strategy: cost-based-routing
                  context_window_fallbacks: [{chat: [chat-large]}]
                %s
                switchboard:
                  server: {port: 0, log-requests: false%s}
                  upstream: {%s}
                  ledger: {store: sqlite, path: "%s", flush-interval: 20ms}
                %s""".formatted(a.apiBase(), perToken(PRIMARY_IN), perToken(PRIMARY_OUT), b.apiBase(), perToken(BACKUP_IN),
                perToken(BACKUP_OUT), b.apiBase(), routerExtra, serverExtra, upstreamTimeouts, dir.resolve("ledger.db"), reliability));
    }

    /**
     * Answers one chat on a fake upstream, so the tokenizer it counts usage with is loaded before any test
     * measures a sub-second timeout.
     */
    static void warmUp() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi()) {
            var http = java.net.http.HttpClient.newHttpClient();
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(upstream.apiBase() + "/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chat("warm up").replace("\"chat\"", "\"gpt-4o\"")))
                    .build();
            assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    private static String perToken(double perMillion) {
        return java.math.BigDecimal.valueOf(perMillion).movePointLeft(6).toPlainString();
    }

    static String chat(String prompt) {
        return "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    static String stream(String prompt) {
        return "{\"model\":\"chat\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    HttpResponse<String> post(String body, String requestId, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "x-request-id";
        all[1] = requestId;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gw.post("/v1/chat/completions", body, all);
    }

    /** The ledger record of a request, once the writer has it (streams are recorded when they end). */
    LedgerRecord record(String requestId) throws Exception {
        Ledger ledger = gw.server.engine().ledger().orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            List<LedgerRecord> found = ledger.find(requestId);
            if (!found.isEmpty()) {
                assertThat(found).hasSize(1);
                return found.getFirst();
            }
            if (System.nanoTime() > deadline) throw new AssertionError("no ledger record for " + requestId);
            ledger.flush().get(5, TimeUnit.SECONDS);
        }
    }

    /** The cost of {@code usage} at a deployment's per-million prices. */
    static double cost(JsonNode usage, double in, double out) {
        return (usage.get("prompt_tokens").asLong() * in + usage.get("completion_tokens").asLong() * out) / 1e6;
    }

    JsonNode healthOf(String deploymentId) throws Exception {
        JsonNode body = Json.parseBody(gw.get("/health/deployments").body().getBytes());
        for (JsonNode d : body.get("deployments")) {
            if (d.get("id").asText().equals(deploymentId)) return d;
        }
        throw new AssertionError("no health entry for " + deploymentId + " in " + body);
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    static List<String> events(String sse) {
        List<String> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("data: ")) out.add(line.substring(6));
            }
        }
        return out;
    }

    /** The text a stream carried, joined from its content deltas. */
    static String streamedText(String sse) {
        StringBuilder text = new StringBuilder();
        for (String data : events(sse)) {
            if (data.equals("[DONE]")) continue;
            JsonNode event = Json.parseBody(data.getBytes());
            for (JsonNode choice : event.path("choices")) {
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual()) text.append(content.asText());
            }
        }
        return text.toString();
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        a.release();
        b.release();
        try {
            gw.close();
        } finally {
            a.close();
            b.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }
}
