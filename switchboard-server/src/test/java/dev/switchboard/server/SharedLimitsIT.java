package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two gateways with the same config on one Redis (127.0.0.1:6379): a deployment's rpm is the fleet's, so the second
 * replica answers 429 once the first used it up. The keys live under a prefix of this test's own and expire by
 * themselves (a bucket a few seconds after it refilled).
 */
class SharedLimitsIT {
    private static final String CHAT = """
            {"model": "llama3.2", "messages": [{"role": "user", "content": "hello"}]}""";

    @Test
    void theSecondReplicaAnswers429OnceTheFirstUsedUpTheRpm() throws Exception {
        String yaml = """
                model_list:
                  - model_name: llama3.2
                    litellm_params: {model: simulated/llama3.2, rpm: 2}
                switchboard:
                  server: {port: 0}
                  ledger: {store: none}
                  reliability: {capacity-wait: 0}
                  redis: {url: "redis://127.0.0.1:6379/0", key-prefix: "switchboard-test:%s:"}
                """.formatted(UUID.randomUUID());
        try (GatewayFixture first = GatewayFixture.start(yaml); GatewayFixture second = GatewayFixture.start(yaml)) {
            assertThat(first.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
            assertThat(first.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);

            HttpResponse<String> refused = second.post("/v1/chat/completions", CHAT);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("retry-after")).isPresent();
        }
    }
}
