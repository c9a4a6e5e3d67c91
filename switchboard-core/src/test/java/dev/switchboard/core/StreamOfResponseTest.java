package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.AnthropicStreamEncoder;
import dev.switchboard.core.wire.SseEvent;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A whole answer replayed to a streaming client carries what a live stream of it would. */
class StreamOfResponseTest {
    private static final String SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";

    private static ChatResponse answer(Message m) {
        return new ChatResponse("msg_1", 1L, "claude-sonnet-4-5", List.of(new Choice(0, m, Optional.of(FinishReason.STOP),
                Optional.empty())), Optional.of(Usage.of(46, 183)), Optional.empty(), Optional.empty());
    }

    /** An Anthropic answer: signed thinking, redacted thinking, then text. */
    private static Message anthropicAnswer() {
        return new Message(Role.ASSISTANT, List.of(new ContentPart.Thinking("27 * 453: 10800 + 1431.", SIGNATURE),
                new ContentPart.RedactedThinking("EmwKAhgBEgy3va3pzix"), new ContentPart.Text("12,231")), true,
                Optional.empty(), List.of(), Optional.empty(), Optional.of("27 * 453: 10800 + 1431."), Optional.empty());
    }

    @Test
    void replaysSignedAndRedactedThinkingToAnAnthropicClient() {
        AnthropicStreamEncoder encoder = new AnthropicStreamEncoder("claude", 46, new TokenCounter());
        List<SseEvent> events = new ArrayList<>();
        for (ChatChunk c : StreamOfResponse.chunks(answer(anthropicAnswer()))) events.addAll(encoder.encode(c));
        events.addAll(encoder.finish());

        List<String> blocks = new ArrayList<>();
        for (SseEvent e : events) {
            JsonNode d = e.data();
            if (e.name().equals("content_block_start")) blocks.add(Json.text(d.get("content_block")));
            if (e.name().equals("content_block_delta")) blocks.add(Json.text(d.get("delta")));
        }
        assertThat(blocks).containsExactly(
                "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}",
                "{\"type\":\"thinking_delta\",\"thinking\":\"27 * 453: 10800 + 1431.\"}",
                "{\"type\":\"signature_delta\",\"signature\":\"" + SIGNATURE + "\"}",
                "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}",
                "{\"type\":\"text\",\"text\":\"\"}",
                "{\"type\":\"text_delta\",\"text\":\"12,231\"}");
    }

    /** An OpenAI client gets the thinking as reasoning_content before the text, as a live Anthropic stream gives it. */
    @Test
    void replaysThinkingAsReasoningContentToAnOpenAiClient() throws IOException {
        List<JsonNode> deltas = new ArrayList<>();
        for (ChatChunk c : StreamOfResponse.chunks(answer(anthropicAnswer()))) {
            JsonNode chunk = Json.MAPPER.readTree(Json.write(g -> OpenAiCodec.writeChunk(c, null, g)));
            for (JsonNode choice : chunk.get("choices")) deltas.add(choice.get("delta"));
        }
        assertThat(deltas).extracting(d -> d.path("reasoning_content").asText(null)).filteredOn(t -> t != null)
                .containsExactly("27 * 453: 10800 + 1431.");
        assertThat(deltas).extracting(d -> d.path("content").asText(null)).filteredOn(t -> t != null && !t.isEmpty())
                .containsExactly("12,231");
        assertThat(deltas.toString()).doesNotContain(SIGNATURE);
    }

    /** Reasoning from an OpenAI-compatible upstream (no thinking parts) is replayed before the text. */
    @Test
    void replaysReasoningWithoutThinkingPartsFirst() {
        Message m = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("42")), true, Optional.empty(), List.of(),
                Optional.empty(), Optional.of("six times seven"), Optional.empty());
        List<ChunkChoice> choices = StreamOfResponse.chunks(answer(m)).stream().flatMap(c -> c.choices().stream()).toList();

        assertThat(choices).extracting(c -> c.reasoning().map(r -> "reasoning:" + r).or(() -> c.content()
                .filter(t -> !t.isEmpty()).map(t -> "text:" + t)).orElse("-"))
                .containsExactly("-", "reasoning:six times seven", "text:42", "-");
    }

    /**
     * An OpenAI-compatible answer keeps, replayed, what its live stream carries beside the text: the log-probs, a
     * refusal, the message's and the choice's unmodelled fields, the fingerprint and the service tier.
     */
    @Test
    void replaysLogprobsRefusalAndUnmodelledFieldsToAnOpenAiClient() throws IOException {
        JsonNode logprobs = Json.parseBody("{\"content\":[{\"token\":\"No\",\"logprob\":-0.1,\"bytes\":[78,111],\"top_logprobs\":[]}],\"refusal\":null}".getBytes());
        Message m = new Message(Role.ASSISTANT, List.of(), true, Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.of("I can't help with that."), false, Optional.empty(),
                Optional.of(Json.object().set("annotations", Json.NODES.arrayNode())));
        ChatResponse r = new ChatResponse("chatcmpl-1", 1L, "gpt-4o-mini", List.of(new Choice(0, m, Optional.of(FinishReason.STOP),
                Optional.of(logprobs), Optional.empty(), Optional.of(Json.object().put("content_filter_results", "none")))),
                Optional.of(Usage.of(5, 2)), Optional.of("fp_1"), Optional.of("default"));

        List<JsonNode> chunks = new ArrayList<>();
        for (ChatChunk c : StreamOfResponse.chunks(r)) chunks.add(Json.MAPPER.readTree(Json.write(g -> OpenAiCodec.writeChunk(c, null, g))));

        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("system_fingerprint").asText()).isEqualTo("fp_1");
            assertThat(c.path("service_tier").asText()).isEqualTo("default");
        });
        List<JsonNode> choices = chunks.stream().flatMap(c -> c.path("choices").valueStream()).toList();
        assertThat(choices.getFirst().get("logprobs")).isEqualTo(logprobs);
        assertThat(choices.getFirst().path("delta").has("annotations")).isTrue();
        assertThat(choices).extracting(c -> c.path("delta").path("refusal").asText(null)).filteredOn(t -> t != null)
                .containsExactly("I can't help with that.");
        assertThat(choices.getLast().path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choices.getLast().path("content_filter_results").asText()).isEqualTo("none");
    }
}
