package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.wire.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configured routers chained for one model name: rules first, the learned router for what they leave. */
class RouterChainIT {
    private static final String YAML = """
            model_list:
              - model_name: cheap
                litellm_params: {model: simulated/cheap}
              - model_name: strong
                litellm_params: {model: simulated/strong}
            switchboard:
              server: {port: 0}
              ledger: {store: none}
              routers:
                - rules: {model: smart, rules: [{name: greetings, keywords: [hello, thanks], max-chars: 80, target: cheap},
                                                {name: vip, headers: {x-user-tier: gold}, target: strong}]}
                - learned: {model: smart, strong-model: strong, weak-model: cheap, strong-pct: 0.5}
            """;

    private static String chat(String prompt) {
        return "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    @Test
    void rulesDecideFirstAndTheLearnedRouterTakesTheRest() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(YAML)) {
            HttpResponse<String> greeting = gw.post("/v1/chat/completions", chat("hello there"));
            assertThat(greeting.statusCode()).isEqualTo(200);
            assertThat(greeting.headers().firstValue("x-switchboard-deployment").orElseThrow()).startsWith("cheap");
            // The decision is named on the response, in ASCII.
            assertThat(greeting.headers().firstValue("x-switchboard-route")).contains("rules: rule 'greetings' -> cheap");

            HttpResponse<String> vip = gw.post("/v1/chat/completions", chat("Summarise the meeting notes"), "x-user-tier", "gold");
            assertThat(vip.headers().firstValue("x-switchboard-deployment").orElseThrow()).startsWith("strong");

            // Not a greeting, no header: the learned router scores it and picks one of its two models.
            HttpResponse<String> hard = gw.post("/v1/chat/completions", chat(
                    "A train leaves at 3 pm at 60 mph and another at 4 pm at 80 mph. When does the second catch up? Show each step."));
            assertThat(hard.statusCode()).isEqualTo(200);
            assertThat(hard.headers().firstValue("x-switchboard-deployment").orElseThrow()).matches("(cheap|strong).*");
            assertThat(hard.headers().firstValue("x-switchboard-route").orElseThrow())
                    .matches("learned: score 0\\.\\d{3} (>=|<) threshold 0\\.\\d{3} -> (strong|weak) model '(strong|cheap)'");

            // A streamed answer names it too, before its first byte.
            HttpResponse<String> streamed = gw.post("/v1/chat/completions", chat("thanks").replace("{\"model\"", "{\"stream\":true,\"model\""));
            assertThat(streamed.body()).contains("data: [DONE]");
            assertThat(streamed.headers().firstValue("x-switchboard-route")).contains("rules: rule 'greetings' -> cheap");
        }
    }

    @Test
    void theChainsNameIsListedAsAModelThatARouterServes() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(YAML)) {
            JsonNode smart = Json.parseBody(gw.get("/v1/models/smart").body().getBytes());
            assertThat(smart.get("owned_by").asText()).isEqualTo("switchboard");
            assertThat(smart.at("/switchboard/mode").asText()).isEqualTo("router");
            assertThat(smart.at("/switchboard/router").asText()).isEqualTo("rules > learned");
            List<String> ids = new ArrayList<>();
            Json.parseBody(gw.get("/v1/models").body().getBytes()).get("data").forEach(m -> ids.add(m.get("id").asText()));
            assertThat(ids).containsExactly("cheap", "strong", "switchboard/auto", "auto", "smart");
        }
    }

    /**
     * A cascade's tier is its model group, asked directly: a router chain serving the same name (for clients that ask for
     * it) does not send the cheap tier to the strong model while the cascade reports the cheap one.
     */
    @Test
    void aCascadeTierIsItsModelGroupEvenWhenARouterServesThatName() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start("""
                model_list:
                  - model_name: cheap
                    litellm_params: {model: simulated/cheap}
                  - model_name: strong
                    litellm_params: {model: simulated/strong}
                switchboard:
                  server: {port: 0}
                  ledger: {store: none}
                  routers:
                    - rules: {model: cheap, rules: [{name: urgent, keywords: [urgent], target: strong}]}
                  cascades:
                    cheap-first: {models: [cheap, strong]}
                """)) {
            String urgent = "urgent: what is the capital of France?";
            HttpResponse<String> direct = gw.post("/v1/chat/completions", chat(urgent).replace("\"smart\"", "\"cheap\""));
            assertThat(direct.headers().firstValue("x-switchboard-deployment").orElseThrow()).startsWith("strong");

            HttpResponse<String> cascaded = gw.post("/v1/chat/completions", chat(urgent).replace("\"smart\"", "\"cheap-first\""));
            assertThat(cascaded.statusCode()).isEqualTo(200);
            assertThat(cascaded.headers().firstValue("x-switchboard-cascade")).contains("cheap:accepted");
            assertThat(cascaded.headers().firstValue("x-switchboard-deployment").orElseThrow()).startsWith("cheap");
        }
    }

    /** An embeddings request for a name that only routes chats is told so; it was told the model does not exist. */
    @Test
    void anEmbeddingsRequestForARoutedNameIsUnsupportedNotUnknown() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(YAML)) {
            for (String model : List.of("smart", "switchboard/auto")) {
                HttpResponse<String> r = gw.post("/v1/embeddings", "{\"model\":\"" + model + "\",\"input\":\"hi\"}");
                assertThat(r.statusCode()).as(model).isEqualTo(400);
                JsonNode error = Json.parseBody(r.body().getBytes()).get("error");
                assertThat(error.get("code").asText()).isEqualTo("unsupported");
                assertThat(error.get("message").asText()).startsWith("'" + model + "' routes chat requests to other models");
            }
            assertThat(gw.post("/v1/embeddings", "{\"model\":\"nope\",\"input\":\"hi\"}").statusCode()).isEqualTo(404);
        }
    }

    /** The dry run explains a router chain's decision, headers included, without calling a model; it refused all but auto. */
    @Test
    void theDryRunExplainsARouterChainsDecision() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(YAML)) {
            HttpResponse<String> greeting = gw.post("/v1/route", "{\"model\":\"smart\",\"prompt\":\"hello there\"}");
            assertThat(greeting.statusCode()).isEqualTo(200);
            JsonNode plan = Json.parseBody(greeting.body().getBytes());
            assertThat(plan.get("router").asText()).isEqualTo("rules");
            assertThat(plan.get("explanation").asText()).isEqualTo("rule 'greetings' → cheap");
            assertThat(plan.get("model").asText()).isEqualTo("cheap");

            JsonNode vip = Json.parseBody(gw.post("/v1/route", chat("Summarise the meeting notes"), "x-user-tier", "gold").body().getBytes());
            assertThat(vip.get("explanation").asText()).isEqualTo("rule 'vip' → strong");

            JsonNode scored = Json.parseBody(gw.post("/v1/route", "{\"model\":\"smart\",\"prompt\":\"Prove that there are "
                    + "infinitely many primes.\"}").body().getBytes());
            assertThat(scored.get("router").asText()).isEqualTo("learned");
            assertThat(scored.get("model").asText()).isIn("cheap", "strong");

            assertThat(gw.post("/v1/route", "{\"model\":\"cheap\",\"prompt\":\"hi\"}").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void anUnknownRouterTypeRefusesToStartNamingTheKey() {
        assertThatThrownBy(() -> GatewayFixture.start(YAML.replace("- learned:", "- psychic:")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("switchboard.routers[1].psychic")
                .hasMessageContaining("unknown router type");
    }
}
