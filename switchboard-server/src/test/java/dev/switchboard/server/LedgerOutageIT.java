package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.TcpRelay;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gateway with a PostgreSQL ledger whose database goes away and comes back (a relay in front of the local
 * server, 127.0.0.1:5432 database {@code test}, or {@code SWITCHBOARD_TEST_POSTGRES_URL}): model calls never notice,
 * the statistics and feedback say the store is unavailable, and every call is in the ledger once it is back.
 */
class LedgerOutageIT {
    private static final String CHAT = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String postgresUrl() {
        String configured = System.getenv("SWITCHBOARD_TEST_POSTGRES_URL");
        List<String> candidates = configured != null ? List.of(configured) : List.of(
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=root");
        for (String candidate : candidates) {
            try (Connection c = DriverManager.getConnection(candidate)) {
                return candidate;
            } catch (SQLException e) {
                // try the next user
            }
        }
        return fail("no PostgreSQL at " + candidates + "; set SWITCHBOARD_TEST_POSTGRES_URL to a reachable database");
    }

    private static TcpRelay relayTo(String url) {
        Matcher m = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/").matcher(url);
        if (!m.lookingAt()) throw new IllegalStateException("cannot tell host and port from " + url);
        return TcpRelay.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
    }

    private static JsonNode json(HttpResponse<String> r) {
        return Json.parseBody(r.body().getBytes());
    }

    @Test
    void modelCallsRideOutADatabaseOutageAndTheLedgerHasEveryCallOnceItIsBack() throws Exception {
        String url = postgresUrl();
        String schema = "ledger_outage_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (TcpRelay relay = relayTo(url); GatewayFixture gw = GatewayFixture.start("""
                model_list:
                  - model_name: llama3.2
                    litellm_params: {model: simulated/llama3.2}
                switchboard:
                  server: {port: 0, log-requests: false}
                  ledger: {store: postgres, url: "%s", schema: %s, flush-interval: 20ms}
                """.formatted(url.replaceFirst("//[^/]+/", "//127.0.0.1:" + relay.port() + "/"), schema))) {
            for (int i = 0; i < 5; i++) assertThat(gw.post("/v1/chat/completions", CHAT, "x-request-id", "before-" + i).statusCode()).isEqualTo(200);
            awaitCalls(gw, 5);

            relay.cut();
            for (int i = 0; i < 20; i++) {
                var r = gw.post("/v1/chat/completions", CHAT, "x-request-id", "during-" + i);
                assertThat(r.statusCode()).isEqualTo(200);
            }
            long start = System.nanoTime();
            var stats = gw.get("/v1/switchboard/stats");
            assertThat(stats.statusCode()).as(stats.body()).isEqualTo(503);
            assertThat(json(stats).at("/error/code").asText()).isEqualTo("ledger_unavailable");
            assertThat(json(stats).at("/error/message").asText()).startsWith("The ledger's store is unavailable right now");
            assertThat(stats.headers().firstValue("retry-after")).isPresent();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));

            var feedback = gw.post("/v1/feedback", "{\"request_id\":\"before-0\",\"thumbs\":\"up\"}");
            assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(503);
            assertThat(json(feedback).at("/error/code").asText()).isEqualTo("ledger_unavailable");

            relay.restore();
            JsonNode back = awaitCalls(gw, 25);
            assertThat(back.at("/by_status/ok").asLong()).isEqualTo(25);
            assertThat(back.at("/ledger/dropped").asLong()).isZero();
            assertThat(back.at("/ledger/failed").asLong()).isZero();
            assertThat(back.at("/avg_quality").isNull()).isTrue(); // the refused feedback did not land later
        } finally {
            try (Connection c = DriverManager.getConnection(url)) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            }
        }
    }

    /** The statistics once they count {@code calls}, retried while the store is still coming back. */
    private static JsonNode awaitCalls(GatewayFixture gw, long calls) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            var r = gw.get("/v1/switchboard/stats");
            if (r.statusCode() == 200 && json(r).get("calls").asLong() == calls) return json(r);
            if (System.nanoTime() > deadline) return fail("the ledger never counted " + calls + " calls; last: " + r.body());
            Thread.sleep(100);
        }
    }
}
