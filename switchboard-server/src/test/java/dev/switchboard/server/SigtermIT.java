package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.storage.SqliteLedgerStore;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.Fault;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to {@code switchboard serve} with a stream in flight that outlasts the grace period: the stream ends with
 * an error event, the warning is printed, the ledger records the cut, and the process exits right after the grace.
 * It used to exit seconds late, with the stream cut short silently, no warning and the record sometimes lost.
 */
class SigtermIT {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aStreamOutlastingTheGracePeriodEndsWithAnErrorEventAndTheProcessExitsOnTime() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi()) {
            upstream.enqueue(Fault.paced(Duration.ofSeconds(1))); // a token a second: still streaming when the grace ends
            Path ledger = dir.resolve("ledger.db");
            Path config = Files.writeString(dir.resolve("config.yaml"), """
                    model_list:
                      - model_name: gpt-4o-mini
                        litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-up}
                    switchboard:
                      server: {port: 0, shutdown-grace: %ds}
                      ledger: {store: sqlite, path: "%s", flush-interval: 1s}
                    """.formatted(upstream.apiBase(), GRACE.toSeconds(), ledger));
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Cli.class.getName(), "serve", "--config", config.toString())
                    .redirectErrorStream(true).start();
            List<String> output = new CopyOnWriteArrayList<>();
            int port;
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                port = port(out, output);
                Thread.ofPlatform().daemon().start(() -> out.lines().forEach(output::add));

                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                        .header("content-type", "application/json").header("x-request-id", "sigterm-stream")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five six seven eight\"}]}"))
                        .build();
                long sent = System.nanoTime();
                HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
                assertThat(response.statusCode()).isEqualTo(200);
                BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
                StringBuilder body = new StringBuilder();
                String first = events.readLine();
                assertThat(first).startsWith("data: {");
                body.append(first).append('\n');
                CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                    events.lines().forEach(l -> body.append(l).append('\n'));
                    return body.toString();
                });

                Thread.sleep(Math.max(0, 1500 - (System.nanoTime() - sent) / 1_000_000));
                long sigterm = System.nanoTime();
                assertThat(process.toHandle().destroy()).isTrue(); // SIGTERM
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited; output: %s", output).isTrue();
                Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
                assertThat(took).as("output: %s", output).isBetween(GRACE.minusMillis(50), GRACE.plusMillis(900));

                String stream = rest.get(5, TimeUnit.SECONDS);
                assertThat(stream).doesNotContain("[DONE]").contains("\"content\":\"echo:");
                String last = stream.strip().lines().reduce((a, b) -> b).orElseThrow();
                assertThat(last).startsWith("data: ");
                JsonNode error = Json.parseBody(last.substring("data: ".length()).getBytes()).get("error");
                assertThat(error.get("code").asText()).as(stream).isEqualTo("gateway_shutdown");
            } finally {
                process.destroyForcibly();
            }
            Thread.sleep(100); // the output reader's last lines
            assertThat(output).anySatisfy(l -> assertThat(l).contains("shutdown grace period").contains("stopping anyway"));
            try (SqliteLedgerStore store = new SqliteLedgerStore(ledger)) {
                assertThat(store.find("sigterm-stream")).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo("gateway_shutdown"));
            }
        }
    }

    private static int port(BufferedReader out, List<String> output) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            output.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) return Integer.parseInt(m.group(1));
        }
        throw new AssertionError("the gateway did not start: " + output);
    }
}
