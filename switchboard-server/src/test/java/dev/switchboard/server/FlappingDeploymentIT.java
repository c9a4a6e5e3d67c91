package dev.switchboard.server;

import static dev.switchboard.server.FailoverPair.events;
import static dev.switchboard.server.FailoverPair.since;
import static dev.switchboard.server.FailoverPair.streamedText;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.Fault;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 200 concurrent requests, half of them streamed, while one deployment of the group flaps between
 * answering and failing in every way that can happen before its first byte: no client sees an error
 * while the other deployment is healthy.
 */
class FlappingDeploymentIT {
    private static final int REQUESTS = 200;

    /** Failures before the first byte, in rotation; every other request to the flapping deployment succeeds. */
    private static final List<Fault[]> FAULTS = List.of(
            new Fault[] {Fault.status(500)},
            new Fault[] {Fault.rateLimited(1)},
            new Fault[] {Fault.status(503)},
            new Fault[] {Fault.disconnect()},
            new Fault[] {Fault.malformedJson()},
            new Fault[] {Fault.status(529)},
            new Fault[] {Fault.stallAfter(0)},
            new Fault[] {Fault.rawError(200, "<html>maintenance</html>"), Fault.wrongContentType("text/html")},
            new Fault[] {Fault.status(502)},
            new Fault[] {Fault.delayHeaders(Duration.ofSeconds(10))});

    @Test
    void aFlappingDeploymentCausesNoClientVisibleErrorWhileAnotherIsHealthy() throws Exception {
        FailoverPair.warmUp();
        // Limits long enough for the healthy deployment under a 200-request burst on two cores.
        try (FailoverPair p = new FailoverPair(FailoverPair.DEFAULT_RELIABILITY, "",
                "connect-timeout: 2s, first-byte-timeout: 1500ms, idle-timeout: 1500ms, total-timeout: 20s")) {
            for (int i = 0; i < 4 * REQUESTS; i++) {
                if (i % 2 == 0) p.a.enqueue(FAULTS.get((i / 2) % FAULTS.size()));
                else p.a.enqueue();
            }
            long start = System.nanoTime();
            List<Future<HttpResponse<String>>> replies = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < REQUESTS; i++) {
                    String prompt = "request " + i;
                    String body = i % 2 == 0 ? FailoverPair.stream(prompt) : FailoverPair.chat(prompt);
                    String id = "flap-" + i;
                    replies.add(clients.submit(() -> p.post(body, id)));
                }
            }
            Duration took = since(start);

            int byPrimary = 0;
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> r = replies.get(i).get(1, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as("request %d: %s", i, r.body()).isEqualTo(200);
                String text = i % 2 == 0 ? streamedText(r.body())
                        : Json.parseBody(r.body().getBytes()).get("choices").get(0).get("message").get("content").asText();
                assertThat(text).as("request %d", i).isEqualTo("echo: request " + i);
                if (i % 2 == 0) assertThat(events(r.body()).getLast()).as("request %d", i).isEqualTo("[DONE]");
                if (r.headers().firstValue("x-switchboard-deployment").orElseThrow().equals("primary")) byPrimary++;
            }
            // The flapping deployment kept its share while it answered; the healthy one took the rest.
            assertThat(byPrimary).isPositive().isLessThan(REQUESTS);
            assertThat(p.b.requests()).hasSizeGreaterThan(0);
            assertThat(took).isLessThan(Duration.ofSeconds(30));

            for (int i = 0; i < REQUESTS; i++) {
                LedgerRecord record = p.record("flap-" + i);
                assertThat(record.status()).as("ledger of request %d", i).isEqualTo(LedgerRecord.OK);
                assertThat(record.costUsd()).isPositive();
            }
        }
    }
}
