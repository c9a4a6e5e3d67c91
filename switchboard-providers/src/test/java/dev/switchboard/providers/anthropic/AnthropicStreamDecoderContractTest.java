package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.FrameReader;
import dev.switchboard.core.spi.Framing;
import dev.switchboard.core.spi.StreamDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicStreamDecoderContractTest {
    private final StreamDecoder decoder = new AnthropicStreamDecoder(AnthropicFixtures.FIXED_TIME);

    /** Frames the fixture as the transport would, decodes every frame, then calls finish. */
    private List<ChatChunk> decode(String fixture) throws IOException {
        FrameReader frames = new FrameReader(new ByteArrayInputStream(AnthropicFixtures.bytes(fixture)), Framing.SSE);
        List<ChatChunk> chunks = new ArrayList<>();
        Optional<Frame> frame;
        while (!decoder.done() && (frame = frames.next()).isPresent()) chunks.addAll(decoder.decode(frame.get()));
        chunks.addAll(decoder.finish());
        return chunks;
    }

    private static ChunkChoice only(ChatChunk c) {
        assertThat(c.choices()).hasSize(1);
        return c.choices().getFirst();
    }

    @Test
    void decodesATextStreamIntoRoleContentFinishAndUsageChunks() throws IOException {
        List<ChatChunk> chunks = decode("stream-text.sse");
        assertThat(chunks).hasSize(5);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.id()).isEqualTo("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
            assertThat(c.model()).isEqualTo("claude-sonnet-4-5-20250929");
        });
        assertThat(only(chunks.get(0)).role()).contains(Role.ASSISTANT);
        assertThat(only(chunks.get(1)).content()).contains("Hello");
        assertThat(only(chunks.get(2)).content()).contains("!");
        assertThat(only(chunks.get(3)).finishReason()).contains(FinishReason.STOP);
        assertThat(chunks.get(4).choices()).isEmpty();
        assertThat(chunks.get(4).usage()).contains(Usage.of(25, 15));
        assertThat(decoder.done()).isTrue();
    }

    @Test
    void decodesToolUseBlocksIntoIndexedToolCallDeltas() throws IOException {
        List<ChatChunk> chunks = decode("stream-tool-use.sse");
        List<ToolCallDelta> deltas = chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(c -> c.toolCalls().stream()).toList();
        assertThat(deltas).containsExactly(
                new ToolCallDelta(0, Optional.of("toolu_01T1x1fJ34qAmk2tNTrN7Up6"), Optional.of("get_weather"), Optional.of("")),
                new ToolCallDelta(0, Optional.empty(), Optional.empty(), Optional.of("{\"location\":")),
                new ToolCallDelta(0, Optional.empty(), Optional.empty(), Optional.of(" \"San Francisco, CA\"}")),
                new ToolCallDelta(1, Optional.of("toolu_02Uy2gK45rBnl3uOUsO8Vq7"), Optional.of("get_time"), Optional.of("")),
                new ToolCallDelta(1, Optional.empty(), Optional.empty(), Optional.of("{\"timezone\": \"PST\"}")));
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.content().stream())
                .filter(s -> !s.isEmpty()).toList()).containsExactly("Okay, let's check the weather");
        assertThat(only(chunks.get(chunks.size() - 2)).finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(chunks.getLast().usage()).contains(new Usage(472 + 100 + 50, 89, 50, 100, 0));
    }

    @Test
    void decodesThinkingDeltasAsReasoningBeforeTheText() throws IOException {
        List<ChatChunk> chunks = decode("stream-thinking.sse");
        List<String> reasoning = chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.reasoning().stream()).toList();
        assertThat(String.join("", reasoning)).isEqualTo("I need to find the GCD of 1071 and 462 using the Euclidean "
                + "algorithm.\n\n1071 = 2 * 462 + 147, 462 = 3 * 147 + 21, 147 = 7 * 21 + 0.");
        int lastReasoning = -1;
        int firstText = -1;
        for (int i = 0; i < chunks.size(); i++) {
            for (ChunkChoice c : chunks.get(i).choices()) {
                if (c.reasoning().isPresent()) lastReasoning = i;
                if (c.content().filter(s -> !s.isEmpty()).isPresent() && firstText < 0) firstText = i;
            }
        }
        assertThat(lastReasoning).isLessThan(firstText);
        assertThat(chunks.getLast().usage()).contains(Usage.of(39, 102));
    }

    @Test
    void passesOnTheThinkingSignatureAfterItsThinkingAndRedactedThinkingWhole() throws IOException {
        List<ChunkChoice> choices = decode("stream-redacted-thinking.sse").stream().flatMap(c -> c.choices().stream())
                .filter(c -> c.reasoning().isPresent() || c.reasoningSignature().isPresent() || c.redactedReasoning().isPresent())
                .toList();
        assertThat(choices).hasSize(3);
        assertThat(choices.get(0).reasoning()).isPresent();
        assertThat(choices.get(1).reasoningSignature()).contains("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
        assertThat(choices.get(2).redactedReasoning()).contains("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP");
    }

    @Test
    void turnsAnErrorEventIntoTheMappedExceptionAfterTheTextSoFar() throws IOException {
        FrameReader frames = new FrameReader(new ByteArrayInputStream(AnthropicFixtures.bytes("stream-error.sse")), Framing.SSE);
        List<ChatChunk> before = new ArrayList<>();
        GatewayException error = null;
        Optional<Frame> frame;
        while ((frame = frames.next()).isPresent()) {
            try {
                before.addAll(decoder.decode(frame.get()));
            } catch (GatewayException e) {
                error = e;
                break;
            }
        }
        assertThat(error).isInstanceOf(GatewayException.Overloaded.class);
        assertThat(error.getMessage()).contains("Overloaded");
        assertThat(before.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.content().stream()))
                .contains("Once upon");
    }

    @Test
    void reportsAStreamCutOffBeforeMessageStop() {
        assertThatThrownBy(() -> decode("stream-truncated.sse"))
                .isInstanceOf(GatewayException.ConnectionFailed.class).hasMessageContaining("message_stop");
    }

    @Test
    void passesOnToolInputThatArrivesWithTheStartBlock() {
        decoder.decode(Frame.data("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_x\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}"));
        List<ChatChunk> chunks = decoder.decode(Frame.data("{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_x\",\"name\":\"f\",\"input\":{\"a\":1}}}"));
        assertThat(only(chunks.getFirst()).toolCalls()).containsExactly(
                new ToolCallDelta(0, Optional.of("toolu_x"), Optional.of("f"), Optional.of("{\"a\":1}")));
    }

    @Test
    void ignoresTheInputOfServerToolBlocks() {
        decoder.decode(Frame.data("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}}"));
        assertThat(decoder.decode(Frame.data("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\": \\\"x\\\"}\"}}"))).isEmpty();
    }

    @Test
    void ignoresPingsAndUnknownEvents() {
        assertThat(decoder.decode(Frame.data("{\"type\":\"ping\"}"))).isEmpty();
        assertThat(decoder.decode(Frame.data("{\"type\":\"some_future_event\",\"x\":1}"))).isEmpty();
    }

    @Test
    void passesOnEachCitationInTheTextBlockItCameIn() throws IOException {
        List<ChunkChoice> choices = decode("stream-citations.sse").stream().flatMap(c -> c.choices().stream())
                .filter(c -> c.content().filter(t -> !t.isEmpty()).isPresent() || c.citation().isPresent()).toList();
        assertThat(choices).extracting(c -> c.citation().map(j -> "cite:" + j.get("cited_text").asText())
                        .orElseGet(() -> (c.newTextBlock() ? "new:" : "") + c.content().orElseThrow()))
                .containsExactly("new:According to the overview, ", "new:each request goes to the cheapest model ",
                        "that will answer it well",
                        "cite:Switchboard sends each request to the cheapest model that will answer it well. ",
                        "new:, and ", "cite:When a provider fails, it falls back to the next one.",
                        "cite:Failover moves the call to the next deployment in the plan.",
                        "a failed provider is replaced by the next one", "new:.");
        // A citation before its block's text starts the block.
        assertThat(choices.get(5).newTextBlock()).isTrue();
        assertThat(choices.get(6).newTextBlock()).isFalse();
        assertThat(choices.get(5).citation().orElseThrow().get("end_char_index").asInt()).isEqualTo(132);
    }

    /**
     * Events the grammar does not allow are the upstream's garbage: an upstream error that says what was wrong, not
     * an exception from inside the gateway.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"text_delta\"}|text_delta for block 0 has no 'text'",
            "{\"type\":\"text_delta\",\"text\":null}|text_delta for block 0 has no 'text'",
            "{\"type\":\"thinking_delta\"}|thinking_delta for block 0 has no 'thinking'",
            "{\"type\":\"input_json_delta\"}|input_json_delta for block 0 has no 'partial_json'",
            "{\"type\":\"signature_delta\"}|signature_delta for block 0 has no 'signature'",
            "{\"type\":\"citations_delta\"}|citations_delta for block 0 has no citation object"})
    void rejectsADeltaWithoutTheFieldItsTypeRequires(String delta, String message) {
        startText(0);
        assertThatThrownBy(() -> decoder.decode(Frame.data("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + delta + "}")))
                .isInstanceOf(GatewayException.UpstreamError.class)
                .hasMessage("anthropic sent a malformed stream event: " + message);
    }

    @Test
    void rejectsADeltaForABlockThatNeverStarted() {
        startText(0);
        assertThatThrownBy(() -> decoder.decode(Frame.data("{\"type\":\"content_block_delta\",\"index\":3,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}")))
                .isInstanceOf(GatewayException.UpstreamError.class)
                .hasMessage("anthropic sent a malformed stream event: text_delta for block 3, which no content_block_start "
                        + "opened");
        assertThatThrownBy(() -> decoder.decode(Frame.data("{\"type\":\"content_block_delta\",\"index\":1,"
                + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}")))
                .isInstanceOf(GatewayException.UpstreamError.class).hasMessageContaining("block 1");
    }

    @Test
    void rejectsABlockEventWithoutItsBlockOrDelta() {
        assertThatThrownBy(() -> decoder.decode(Frame.data("{\"type\":\"content_block_start\",\"index\":0}")))
                .isInstanceOf(GatewayException.UpstreamError.class).hasMessageContaining("has no content_block");
        startText(0);
        assertThatThrownBy(() -> decoder.decode(Frame.data("{\"type\":\"content_block_delta\",\"index\":0}")))
                .isInstanceOf(GatewayException.UpstreamError.class).hasMessageContaining("has no delta");
    }

    private void startText(int index) {
        decoder.decode(Frame.data("{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
    }

    @Test
    void rejectsAMalformedEventAsAnUpstreamError() {
        assertThatThrownBy(() -> decoder.decode(Frame.data("{not json")))
                .isInstanceOf(GatewayException.UpstreamError.class);
    }
}
