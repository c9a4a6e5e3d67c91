package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.AnthropicResponder;
import dev.switchboard.testkit.FakeUpstream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An Anthropic upstream's stream as an OpenAI client reads it. */
class AnthropicToOpenAiStreamIT {

    /** Thinking with its signature, redacted thinking, and a text block with a citation. */
    private static final List<String> THINKING_STREAM = List.of(
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Recall it.\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}",
            "{\"type\":\"content_block_stop\",\"index\":0}",
            "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"EmwK\"}}",
            "{\"type\":\"content_block_stop\",\"index\":1}",
            "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\",\"text\":\"Paris\"}}",
            "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"citations_delta\",\"citation\":{"
                    + "\"type\":\"char_location\",\"cited_text\":\"Paris is the capital.\",\"document_index\":0,"
                    + "\"document_title\":\"Atlas\",\"start_char_index\":0,\"end_char_index\":21}}}",
            "{\"type\":\"content_block_stop\",\"index\":2}",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                    + "\"usage\":{\"output_tokens\":12}}",
            "{\"type\":\"message_stop\"}");

    /**
     * A thinking signature, redacted thinking and a citation have no place in an OpenAI stream: no chunk with an
     * empty delta stands for them, while the reasoning, the text, the finish reason and the usage all arrive.
     */
    @Test
    void anOpenAiClientGetsNoEmptyChunkForWhatOnlyAnthropicStreams() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(AnthropicResponder.streaming(request -> THINKING_STREAM));
                GatewayFixture gw = GatewayFixture.start("""
                        model_list:
                          - model_name: claude
                            litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "%s", api_key: sk-ant-upstream}
                        router_settings: {num_retries: 0}
                        switchboard: {server: {port: 0}, ledger: {store: none}}
                        """.formatted(upstream.apiBase()))) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"claude\",\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

            List<JsonNode> chunks = new ArrayList<>();
            for (String event : r.body().split("\n\n")) {
                if (event.isBlank() || event.startsWith(":")) continue;
                assertThat(event).startsWith("data: ");
                if (!event.equals("data: [DONE]")) chunks.add(Json.parseBody(event.substring(6).getBytes(StandardCharsets.UTF_8)));
            }
            StringBuilder text = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            for (JsonNode c : chunks) {
                JsonNode choice = c.path("choices").path(0);
                boolean carriesSomething = c.has("usage") && !c.get("usage").isNull()
                        || choice.path("delta").size() > 0 || !choice.path("finish_reason").isNull() && choice.has("finish_reason");
                assertThat(carriesSomething).as("a chunk with nothing for the client: " + c).isTrue();
                text.append(choice.path("delta").path("content").asText(""));
                reasoning.append(choice.path("delta").path("reasoning_content").asText(""));
            }
            assertThat(text.toString()).isEqualTo("Paris");
            assertThat(reasoning.toString()).isEqualTo("Recall it.");
            assertThat(chunks).anySatisfy(c -> assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("stop"));
            assertThat(chunks).anySatisfy(c -> assertThat(c.at("/usage/completion_tokens").asInt()).isEqualTo(12));
        }
    }

    /**
     * An upstream event past {@code switchboard.upstream.max-event-bytes} is the upstream's error, named with the key: a
     * 502 when it is the stream's first, an error event (no [DONE]) once the stream started; the gateway's heap is not
     * spent on it, and the next call is served.
     */
    @Test
    void anUpstreamEventPastTheLimitIsTheUpstreamsErrorNotTheGatewaysMemory() throws Exception {
        String huge = "x".repeat(1_500_000);
        List<String> hugeFirst = new ArrayList<>(THINKING_STREAM);
        hugeFirst.set(0, THINKING_STREAM.get(0).replace("\"msg_1\"", "\"" + huge + "\""));
        List<String> hugeLater = new ArrayList<>(THINKING_STREAM);
        hugeLater.set(8, THINKING_STREAM.get(8).replace("Paris", huge));
        List<List<String>> streams = List.of(hugeFirst, hugeLater, THINKING_STREAM);
        java.util.concurrent.atomic.AtomicInteger call = new java.util.concurrent.atomic.AtomicInteger();
        try (FakeUpstream upstream = FakeUpstream.start(AnthropicResponder.streaming(request -> streams.get(call.getAndIncrement())));
                GatewayFixture gw = GatewayFixture.start("""
                        model_list:
                          - model_name: claude
                            litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "%s", api_key: sk-ant-upstream}
                        router_settings: {num_retries: 0}
                        switchboard: {server: {port: 0}, ledger: {store: none}, upstream: {max-event-bytes: 1mb}}
                        """.formatted(upstream.apiBase()))) {
            String chat = "{\"model\":\"claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Capital?\"}]}";
            HttpResponse<String> first = gw.post("/v1/chat/completions", chat);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(502);
            assertThat(Json.parseBody(first.body().getBytes(StandardCharsets.UTF_8)).at("/error/message").asText())
                    .contains("a stream event or line over 1048576 bytes (switchboard.upstream.max-event-bytes)");

            HttpResponse<String> later = gw.post("/v1/chat/completions", chat);
            assertThat(later.statusCode()).isEqualTo(200);
            assertThat(later.body()).contains("over 1048576 bytes (switchboard.upstream.max-event-bytes)")
                    .doesNotContain("[DONE]").doesNotContain(huge.substring(0, 1000));

            HttpResponse<String> next = gw.post("/v1/chat/completions", chat);
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).contains("Paris").endsWith("data: [DONE]\n\n");
        }
    }
}
