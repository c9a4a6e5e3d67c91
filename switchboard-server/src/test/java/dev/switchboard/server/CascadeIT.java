package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.wire.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cascade end to end through the real server on simulated tiers whose cheap answers are poor on purpose. */
class CascadeIT {
    static final String QUESTION = "Explain how a hash map handles collisions.";
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Path db = Files.createTempDirectory("switchboard-cascade-it").resolve("ledger.db");
        gateway = GatewayFixture.start("""
                model_list:
                  - model_name: cheap-refuses
                    litellm_params: {model: simulated/cheap-refuses, simulation: {answer: refusal}}
                    model_info: {id: cheap-refuses, tier: 1, input-price-per-million: 0.1, output-price-per-million: 0.4}
                  - model_name: cheap-truncates
                    litellm_params: {model: simulated/cheap-truncates, simulation: {answer: truncated}}
                    model_info: {id: cheap-truncates, tier: 1, input-price-per-million: 0.1, output-price-per-million: 0.4}
                  - model_name: cheap-good
                    litellm_params: {model: simulated/cheap-good}
                    model_info: {id: cheap-good, tier: 1, input-price-per-million: 0.1, output-price-per-million: 0.4}
                  - model_name: strong
                    litellm_params: {model: simulated/strong}
                    model_info: {id: strong, tier: 3, input-price-per-million: 5, output-price-per-million: 20}
                switchboard:
                  server: {port: 0}
                  ledger: {store: sqlite, path: "%s", flush-interval: 10ms}
                  cascades:
                    poor-cheap: {models: [cheap-refuses, strong]}
                    truncating: {models: [cheap-truncates, strong]}
                    good-cheap: {models: [cheap-good, strong]}
                """.formatted(db));
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.v1()).apiKey("sk-x").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void cascadesAreListedAsModelsThatARouterServes() throws Exception {
        JsonNode cascade = Json.parseBody(gateway.get("/v1/models/poor-cheap").body().getBytes());
        assertThat(cascade.at("/switchboard/router").asText()).isEqualTo("cascade");
        List<String> ids = new ArrayList<>();
        client.models().list().autoPager().forEach(m -> ids.add(m.id()));
        assertThat(ids).contains("poor-cheap", "truncating", "good-cheap", "strong");
    }

    @Test
    void aPoorCheapAnswerEscalatesAndBothCallsAreInTheLedgerAndTheCost() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("poor-cheap", false), "x-request-id", "cascade-poor");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-cascade")).hasValue("cheap-refuses:rejected(refusal) > strong:accepted");
        assertThat(r.headers().firstValue("x-switchboard-deployment")).hasValue("strong");
        JsonNode answer = Json.parseBody(r.body().getBytes());
        assertThat(answer.at("/choices/0/message/content").asText()).contains("Simulated answer").doesNotContain("sorry");
        assertThat(answer.at("/switchboard/answered_by").asText()).isEqualTo("strong");
        assertThat(answer.at("/switchboard/tiers/0/reason").asText()).isEqualTo("refusal");

        List<LedgerRecord> records = ledgerRecords("cascade-poor");
        assertThat(records).extracting(LedgerRecord::requestId).containsExactly("cascade-poor.t1", "cascade-poor.t2");
        assertThat(records).extracting(LedgerRecord::status).containsExactly("cascade_rejected", LedgerRecord.OK);
        assertThat(records).extracting(LedgerRecord::deploymentId).containsExactly("cheap-refuses", "strong");
        // An answer escalated past is the cascade working, not an error: the stats count it by status only.
        JsonNode stats = Json.parseBody(gateway.get("/v1/switchboard/stats").body().getBytes());
        assertThat(stats.at("/by_status/cascade_rejected").asLong()).isPositive();
        long failures = 0;
        for (var e : stats.get("by_status").properties()) {
            if (!LedgerRecord.NOT_FAILURES.contains(e.getKey())) failures += e.getValue().asLong();
        }
        assertThat(stats.get("errors").asLong()).isEqualTo(failures);
        assertThat(records).allSatisfy(rec -> {
            assertThat(rec.parentRequestId()).hasValue("cascade-poor");
            assertThat(rec.costUsd()).isPositive();
        });
        double total = records.stream().mapToDouble(LedgerRecord::costUsd).sum();
        assertThat(r.headers().firstValue("x-switchboard-cost")).hasValue(money(total));
        assertThat(total).isGreaterThan(records.get(1).costUsd());
        // Against asking the top tier alone, escalating to it cost more: the rejected call is no part of the baseline.
        assertThat(records).extracting(LedgerRecord::topTierCostUsd).containsExactly(0.0, records.get(1).costUsd());
        assertThat(answer.at("/switchboard/top_tier_cost_usd").asDouble()).isEqualTo(records.get(1).costUsd());
    }

    @Test
    void aTruncatedCheapAnswerEscalatesToo() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("truncating", false));

        assertThat(r.headers().firstValue("x-switchboard-cascade")).hasValue("cheap-truncates:rejected(truncated) > strong:accepted");
        assertThat(Json.parseBody(r.body().getBytes()).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aGoodCheapAnswerIsServedWithoutEscalating() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("good-cheap", false), "x-request-id", "cascade-good");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-cascade")).hasValue("cheap-good:accepted");
        assertThat(Json.parseBody(r.body().getBytes()).at("/switchboard/tier").asInt()).isEqualTo(1);
        List<LedgerRecord> records = ledgerRecords("cascade-good");
        assertThat(records).singleElement().satisfies(rec -> {
            assertThat(rec.deploymentId()).isEqualTo("cheap-good");
            assertThat(rec.status()).isEqualTo(LedgerRecord.OK);
        });
        assertThat(r.headers().firstValue("x-switchboard-cost")).hasValue(money(records.getFirst().costUsd()));
    }

    @Test
    void aStreamedCascadeStreamsOnlyTheAcceptedAnswer() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body("poor-cheap", true), "x-request-id", "cascade-stream");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-cascade")).hasValue("cheap-refuses:rejected(refusal) > strong:accepted");
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) events.add(Json.parseBody(line.substring(6).getBytes()));
        }
        assertThat(r.body()).endsWith("data: [DONE]\n\n").doesNotContain("sorry");
        assertThat(events.getFirst().at("/switchboard/answered_by").asText()).isEqualTo("strong");
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(e.at("/choices/0/delta/content").asText("")));
        assertThat(text.toString()).contains("Simulated answer");
        List<LedgerRecord> records = ledgerRecords("cascade-stream");
        assertThat(records).extracting(LedgerRecord::status).containsExactly("cascade_rejected", "ok");
        assertThat(r.headers().firstValue("x-switchboard-cost"))
                .hasValue(money(records.stream().mapToDouble(LedgerRecord::costUsd).sum()));
    }

    @Test
    void theOfficialSdkReadsAStreamedCascade() {
        StringBuilder text = new StringBuilder();
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams
                .builder().model("poor-cheap").addUserMessage(QUESTION).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).contains("Simulated answer").contains("`strong`").doesNotContain("sorry");
    }

    @Test
    void anAnthropicClientGetsTheEscalatedAnswerWholeAndStreamed() {
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gateway.base()).apiKey("sk-x").maxRetries(0).build();
        MessageCreateParams ask = MessageCreateParams.builder().model("poor-cheap").maxTokens(1024).addUserMessage(QUESTION).build();

        StringBuilder whole = new StringBuilder();
        anthropic.messages().create(ask).content().forEach(b -> b.text().ifPresent(t -> whole.append(t.text())));
        MessageAccumulator streamed = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(ask)) {
            s.stream().forEach(streamed::accumulate);
        }
        StringBuilder streamedText = new StringBuilder();
        streamed.message().content().forEach(b -> b.text().ifPresent(t -> streamedText.append(t.text())));

        assertThat(whole.toString()).contains("Simulated answer").contains("`strong`").doesNotContain("sorry");
        assertThat(streamedText.toString()).isEqualTo(whole.toString());
    }

    private static List<LedgerRecord> ledgerRecords(String requestId) throws Exception {
        Ledger ledger = gateway.server.engine().ledger().orElseThrow();
        ledger.flush().get();
        return ledger.find(requestId).stream().sorted(Comparator.comparingInt(LedgerRecord::partIndex)).toList();
    }

    private static String body(String model, boolean stream) {
        return Json.text(Json.object().put("model", model).put("stream", stream).set("messages",
                Json.NODES.arrayNode().add(Json.object().put("role", "user").put("content", QUESTION))));
    }

    private static String money(double usd) {
        return String.format(Locale.ROOT, "%.8f", usd);
    }
}
