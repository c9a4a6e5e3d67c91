package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A deployment's request parameters in {@code litellm_params} are defaults of every call to it, as LiteLLM's router
 * makes them: the upstream sees them where the client sent nothing, and the client's own value where it sent one.
 */
class DeploymentDefaultsIT {

    @Test
    void theUpstreamSeesTheDeploymentsDefaultsAndTheClientsOverrides() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi();
                GatewayFixture gw = GatewayFixture.start("""
                        model_list:
                          - model_name: tuned
                            litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up,
                                             temperature: 0.2, max_tokens: 2, frequency_penalty: 0.5,
                                             extra_headers: {x-team: blue}, extra_body: {safe_mode: true}}
                          - model_name: plain
                            litellm_params: {model: openai/gpt-4o-mini, api_base: "%1$s", api_key: sk-up}
                        router_settings: {num_retries: 0}
                        """.formatted(upstream.apiBase()))) {
            String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five\"}]";

            HttpResponse<String> defaulted = gw.post("/v1/chat/completions", "{\"model\":\"tuned\"," + messages + "}");
            assertThat(defaulted.statusCode()).as(defaulted.body()).isEqualTo(200);
            RecordedRequest first = upstream.lastRequest();
            JsonNode sent = first.bodyJson();
            assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);
            assertThat(sent.get("max_tokens").asInt()).isEqualTo(2);
            assertThat(sent.get("frequency_penalty").asDouble()).isEqualTo(0.5);
            assertThat(sent.get("safe_mode").asBoolean()).isTrue();
            assertThat(first.headers().first("x-team")).contains("blue");
            assertThat(dev.switchboard.core.wire.Json.parseBody(defaulted.body().getBytes()).at("/choices/0/finish_reason").asText())
                    .as("the upstream cut the answer at the deployment's max_tokens").isEqualTo("length");

            HttpResponse<String> overridden = gw.post("/v1/chat/completions", "{\"model\":\"tuned\",\"temperature\":1.5,"
                    + "\"max_tokens\":50,\"frequency_penalty\":0," + messages + "}");
            assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
            sent = upstream.lastRequest().bodyJson();
            assertThat(sent.get("temperature").asDouble()).isEqualTo(1.5);
            assertThat(sent.get("max_tokens").asInt()).isEqualTo(50);
            assertThat(sent.get("frequency_penalty").asDouble()).isZero();

            HttpResponse<String> anthropicClient = gw.post("/v1/messages", "{\"model\":\"tuned\",\"max_tokens\":40,"
                    + messages + "}", "anthropic-version", "2023-06-01");
            assertThat(anthropicClient.statusCode()).as(anthropicClient.body()).isEqualTo(200);
            sent = upstream.lastRequest().bodyJson();
            assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);
            assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(40);
            assertThat(sent.has("max_tokens")).isFalse();

            HttpResponse<String> plain = gw.post("/v1/chat/completions", "{\"model\":\"plain\"," + messages + "}");
            assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
            sent = upstream.lastRequest().bodyJson();
            assertThat(sent.has("temperature")).as("another deployment's defaults stay its own").isFalse();
            assertThat(sent.has("max_tokens")).isFalse();
            assertThat(upstream.lastRequest().headers().first("x-team")).isEmpty();
        }
    }
}
