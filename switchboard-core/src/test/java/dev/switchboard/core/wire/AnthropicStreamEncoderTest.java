package dev.switchboard.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnthropicStreamEncoderTest {
    private static final TokenCounter TOKENS = new TokenCounter();
    private final AnthropicStreamEncoder encoder = new AnthropicStreamEncoder("requested-model", 42, TOKENS);

    private static ChatChunk chunk(ChunkChoice choice) {
        return ChatChunk.of("chatcmpl-1", 1L, "gpt-x", choice);
    }

    private List<SseEvent> run(List<ChatChunk> chunks) {
        List<SseEvent> events = new ArrayList<>();
        for (ChatChunk c : chunks) events.addAll(encoder.encode(c));
        events.addAll(encoder.finish());
        return events;
    }

    private static List<String> names(List<SseEvent> events) {
        return events.stream().map(SseEvent::name).toList();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void emitsTheExactEventSequenceForAText() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.role(0, Role.ASSISTANT)), chunk(ChunkChoice.content(0, "Hel")),
                chunk(ChunkChoice.content(0, "lo")), chunk(ChunkChoice.finish(0, FinishReason.STOP)),
                ChatChunk.usage("chatcmpl-1", 1L, "gpt-x", new Usage(30, 2, 10, 0, 0))));
        assertThat(names(events)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.get(0).data()).isEqualTo(json("""
                {'type':'message_start','message':{'id':'chatcmpl-1','type':'message','role':'assistant','model':'gpt-x',
                 'content':[],'stop_reason':null,'stop_sequence':null,
                 'usage':{'input_tokens':42,'cache_creation_input_tokens':0,'cache_read_input_tokens':0,'output_tokens':0}}}
                """));
        assertThat(events.get(2).data()).isEqualTo(json(
                "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}"));
        assertThat(events.get(3).data()).isEqualTo(json(
                "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'Hel'}}"));
        assertThat(events.get(5).data()).isEqualTo(json("{'type':'content_block_stop','index':0}"));
        assertThat(events.get(6).data()).isEqualTo(json("""
                {'type':'message_delta','delta':{'stop_reason':'end_turn','stop_sequence':null},
                 'usage':{'input_tokens':20,'cache_creation_input_tokens':0,'cache_read_input_tokens':10,'output_tokens':2}}
                """));
        assertThat(events.get(7).data()).isEqualTo(json("{'type':'message_stop'}"));
    }

    @Test
    void writesEventsAsSseWithEventAndDataLines() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, "Hi"))));
        String sse = SseEvent.sse(events);
        assertThat(sse).startsWith("event: message_start\ndata: {\"type\":\"message_start\",");
        assertThat(sse).contains("\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\n");
        assertThat(sse).contains("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n");
        assertThat(sse).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void turnsToolCallDeltasIntoToolUseBlocksWithInputJsonDeltas() {
        List<SseEvent> events = run(List.of(
                chunk(ChunkChoice.role(0, Role.ASSISTANT)),
                chunk(ChunkChoice.content(0, "Checking.")),
                chunk(ChunkChoice.toolCalls(0, List.of(new ToolCallDelta(0, Optional.of("call_a"), Optional.of("weather"),
                        Optional.of("")))) ),
                chunk(ChunkChoice.toolCalls(0, List.of(new ToolCallDelta(0, Optional.empty(), Optional.empty(),
                        Optional.of("{\"city\":"))))),
                chunk(ChunkChoice.toolCalls(0, List.of(new ToolCallDelta(0, Optional.empty(), Optional.empty(),
                        Optional.of("\"Paris\"}"))))),
                chunk(ChunkChoice.toolCalls(0, List.of(new ToolCallDelta(1, Optional.of("call_b"), Optional.of("time"),
                        Optional.of("{}"))))),
                chunk(ChunkChoice.finish(0, FinishReason.TOOL_CALLS))));
        assertThat(names(events)).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(events.get(5).data()).isEqualTo(json(
                "{'type':'content_block_start','index':1,'content_block':{'type':'tool_use','id':'call_a','name':'weather','input':{}}}"));
        assertThat(events.get(6).data()).isEqualTo(json(
                "{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta','partial_json':'{\\\"city\\\":'}}"));
        assertThat(events.get(9).data().path("content_block").path("id").asText()).isEqualTo("call_b");
        assertThat(events.get(9).data().path("index").asInt()).isEqualTo(2);
        assertThat(events.get(12).data().path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void putsReasoningInAThinkingBlockBeforeTheText() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.reasoning(0, "Let me think.")),
                chunk(ChunkChoice.content(0, "42")), chunk(ChunkChoice.finish(0, FinishReason.LENGTH))));
        assertThat(names(events)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta",
                "message_stop");
        assertThat(events.get(2).data().path("content_block")).isEqualTo(json(
                "{'type':'thinking','thinking':'','signature':''}"));
        assertThat(events.get(3).data().path("delta")).isEqualTo(json("{'type':'thinking_delta','thinking':'Let me think.'}"));
        assertThat(events.get(5).data().path("index").asInt()).isEqualTo(1);
        assertThat(events.get(8).data().path("delta").path("stop_reason").asText()).isEqualTo("max_tokens");
    }

    @Test
    void closesThinkingWithItsSignatureAndSendsRedactedThinkingWhole() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.reasoning(0, "Hmm.")),
                chunk(ChunkChoice.reasoningSignature(0, "EqQB")), chunk(ChunkChoice.reasoning(0, "More.")),
                chunk(ChunkChoice.reasoningSignature(0, "EqQC")), chunk(ChunkChoice.redactedReasoning(0, "EmwK")),
                chunk(ChunkChoice.content(0, "42")), chunk(ChunkChoice.finish(0, FinishReason.STOP))));
        assertThat(names(events)).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.get(4).data()).isEqualTo(json(
                "{'type':'content_block_delta','index':0,'delta':{'type':'signature_delta','signature':'EqQB'}}"));
        assertThat(events.get(6).data().path("index").asInt()).isEqualTo(1);
        assertThat(events.get(8).data().path("delta").path("signature").asText()).isEqualTo("EqQC");
        assertThat(events.get(10).data()).isEqualTo(json(
                "{'type':'content_block_start','index':2,'content_block':{'type':'redacted_thinking','data':'EmwK'}}"));
        assertThat(events.get(11).data().path("index").asInt()).isEqualTo(2);
        assertThat(events.get(12).data().path("index").asInt()).isEqualTo(3);
    }

    @Test
    void endsAFailedStreamWithAnErrorEventAndNothingAfterIt() {
        List<SseEvent> events = new ArrayList<>(encoder.encode(chunk(ChunkChoice.content(0, "Once upon"))));
        SseEvent error = encoder.error(new GatewayException.Overloaded("openai: overloaded", null));
        assertThat(error.sse()).isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"openai: overloaded\"}}\n\n");
        assertThat(encoder.finish()).isEmpty();
        assertThat(names(events)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta");
    }

    @Test
    void countsOutputTokensWhenTheUpstreamReportsNoUsage() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, "The quick brown fox jumps over the lazy dog."))));
        JsonNode usage = events.get(events.size() - 2).data().path("usage");
        assertThat(usage.path("output_tokens").asInt()).isEqualTo(TOKENS.count("The quick brown fox jumps over the lazy dog."));
        assertThat(usage.path("input_tokens").asInt()).isEqualTo(42);
    }

    @Test
    void usesTheRequestedModelAndAFreshIdWhenChunksNameNone() {
        List<SseEvent> events = run(List.of(ChatChunk.of("", 1L, "", ChunkChoice.content(0, "x"))));
        JsonNode message = events.getFirst().data().path("message");
        assertThat(message.path("model").asText()).isEqualTo("requested-model");
        assertThat(message.path("id").asText()).startsWith("msg_").hasSizeGreaterThan(10);
    }

    @Test
    void reportsTheMatchedStopSequenceInMessageDelta() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, "1, 2, 3")),
                chunk(ChunkChoice.finish(0, FinishReason.STOP, Optional.of("4")))));
        assertThat(events.get(events.size() - 2).data().path("delta")).isEqualTo(json(
                "{'stop_reason':'stop_sequence','stop_sequence':'4'}"));
    }

    @Test
    void stillFormsAWholeMessageWhenNoChunkArrived() {
        assertThat(names(encoder.finish())).containsExactly("message_start", "ping", "message_delta", "message_stop");
    }
}
