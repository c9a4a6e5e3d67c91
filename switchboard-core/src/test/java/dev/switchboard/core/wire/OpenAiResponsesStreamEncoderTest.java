package dev.switchboard.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Responses streaming events as https://platform.openai.com/docs/api-reference/responses-streaming describes them (event
 * shapes as in openai-python's {@code src/openai/types/responses/response_*_event.py}).
 */
class OpenAiResponsesStreamEncoderTest {
    private static final TokenCounter TOKENS = new TokenCounter();
    private final ObjectNode echo = OpenAiResponsesCodec.parseRequest(json("{'model':'gpt-4o','input':'Hi','temperature':0.5}")).echo();
    private final OpenAiResponsesStreamEncoder encoder =
            new OpenAiResponsesStreamEncoder("resp_1", 1_700_000_000L, "gpt-4o", echo, 42, TOKENS);

    private static ChatChunk chunk(ChunkChoice choice) {
        return ChatChunk.of("chatcmpl-1", 1L, "gpt-x", choice);
    }

    private static ChatChunk usage(Usage usage) {
        return ChatChunk.usage("chatcmpl-1", 1L, "gpt-x", usage);
    }

    private static ChatChunk call(int index, String id, String name, String arguments) {
        return chunk(ChunkChoice.toolCalls(0, List.of(new ToolCallDelta(index, Optional.ofNullable(id), Optional.ofNullable(name),
                Optional.ofNullable(arguments)))));
    }

    private List<SseEvent> run(List<ChatChunk> chunks) {
        List<SseEvent> events = new ArrayList<>();
        for (ChatChunk c : chunks) events.addAll(encoder.encode(c));
        events.addAll(encoder.finish());
        return events;
    }

    private static List<String> types(List<SseEvent> events) {
        return events.stream().map(SseEvent::name).toList();
    }

    /** JSON written with single quotes for readability. */
    private static JsonNode json(String text) {
        return Json.parseBody(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    /** The event's data with the random item id replaced by {@code ID}, to compare with a literal. */
    private static JsonNode withId(SseEvent event, String itemId) {
        return Json.parseBody(event.data().toString().replace(itemId, "ID").getBytes(StandardCharsets.UTF_8));
    }

    private static void assertNumberedFromZero(List<SseEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).data().get("sequence_number").asInt()).as("event %d", i).isEqualTo(i);
            assertThat(events.get(i).data().get("type").asText()).isEqualTo(events.get(i).name());
        }
    }

    /** Usage in the Responses API's names (openai-python's {@code response_usage.py}). */
    private static void assertUsage(JsonNode usage, int input, int cached, int output, int reasoning) {
        assertThat(usage.get("input_tokens").asInt()).isEqualTo(input);
        assertThat(usage.get("input_tokens_details").get("cached_tokens").asInt()).isEqualTo(cached);
        assertThat(usage.get("output_tokens").asInt()).isEqualTo(output);
        assertThat(usage.get("output_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(reasoning);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(input + output);
    }

    private static JsonNode last(List<SseEvent> events) {
        return events.getLast().data();
    }

    @Test
    void emitsTheExactEventSequenceForATextAnswer() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.role(0, Role.ASSISTANT)), chunk(ChunkChoice.content(0, "Hel")),
                chunk(ChunkChoice.content(0, "lo")), chunk(ChunkChoice.finish(0, FinishReason.STOP)),
                usage(new Usage(30, 2, 10, 0, 0))));
        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        assertNumberedFromZero(events);

        JsonNode created = events.get(0).data().get("response");
        assertThat(created.get("id").asText()).isEqualTo("resp_1");
        assertThat(created.get("object").asText()).isEqualTo("response");
        assertThat(created.get("created_at").asLong()).isEqualTo(1_700_000_000L);
        assertThat(created.get("status").asText()).isEqualTo("in_progress");
        assertThat(created.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(created.get("output")).isEmpty();
        assertThat(created.get("usage").isNull()).isTrue();
        assertThat(created.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(events.get(1).data().get("response")).isEqualTo(created);

        String msg = events.get(2).data().get("item").get("id").asText();
        assertThat(msg).startsWith("msg_");
        assertThat(withId(events.get(2), msg)).isEqualTo(json("""
                {'type':'response.output_item.added','sequence_number':2,'output_index':0,
                 'item':{'type':'message','id':'ID','status':'in_progress','role':'assistant','content':[]}}
                """));
        assertThat(withId(events.get(3), msg)).isEqualTo(json("""
                {'type':'response.content_part.added','sequence_number':3,'item_id':'ID','output_index':0,'content_index':0,
                 'part':{'type':'output_text','text':'','annotations':[],'logprobs':[]}}
                """));
        assertThat(withId(events.get(4), msg)).isEqualTo(json("""
                {'type':'response.output_text.delta','sequence_number':4,'item_id':'ID','output_index':0,'content_index':0,
                 'delta':'Hel','logprobs':[]}
                """));
        assertThat(events.get(5).data().get("delta").asText()).isEqualTo("lo");
        assertThat(withId(events.get(6), msg)).isEqualTo(json("""
                {'type':'response.output_text.done','sequence_number':6,'item_id':'ID','output_index':0,'content_index':0,
                 'text':'Hello','logprobs':[]}
                """));
        assertThat(withId(events.get(7), msg)).isEqualTo(json("""
                {'type':'response.content_part.done','sequence_number':7,'item_id':'ID','output_index':0,'content_index':0,
                 'part':{'type':'output_text','text':'Hello','annotations':[],'logprobs':[]}}
                """));
        JsonNode doneItem = json("""
                {'type':'message','id':'ID','status':'completed','role':'assistant',
                 'content':[{'type':'output_text','text':'Hello','annotations':[],'logprobs':[]}]}
                """);
        assertThat(withId(events.get(8), msg)).isEqualTo(json("""
                {'type':'response.output_item.done','sequence_number':8,'output_index':0,
                 'item':{'type':'message','id':'ID','status':'completed','role':'assistant',
                         'content':[{'type':'output_text','text':'Hello','annotations':[],'logprobs':[]}]}}
                """));

        JsonNode completed = withId(events.get(9), msg).get("response");
        assertThat(completed.get("id").asText()).isEqualTo("resp_1");
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.get("incomplete_details").isNull()).isTrue();
        assertThat(completed.get("output")).containsExactly(doneItem);
        assertUsage(completed.get("usage"), 30, 10, 2, 0);
        assertThat(encoder.response()).hasValue((ObjectNode) events.get(9).data().get("response"));
    }

    @Test
    void writesEachEventAsAnSseEventNamedByItsType() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, "Hi"))));
        String msg = events.get(2).data().get("item").get("id").asText();
        assertThat(events.get(4).sse()).isEqualTo("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                + "\"sequence_number\":4,\"item_id\":\"" + msg + "\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\","
                + "\"logprobs\":[]}\n\n");
        assertThat(SseEvent.sse(events)).startsWith("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,")
                .contains("\n\nevent: response.in_progress\ndata: ")
                .endsWith("}\n\n");
    }

    @Test
    void streamsReasoningAndThenTextAsTwoItems() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.reasoning(0, "Six ")), chunk(ChunkChoice.reasoning(0, "sevens.")),
                chunk(ChunkChoice.content(0, "42")), chunk(ChunkChoice.finish(0, FinishReason.STOP))));
        assertThat(types(events)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_text.delta", "response.reasoning_text.delta",
                "response.reasoning_text.done", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        assertNumberedFromZero(events);

        JsonNode reasoningAdded = events.get(2).data();
        assertThat(reasoningAdded.get("output_index").asInt()).isZero();
        assertThat(reasoningAdded.get("item").get("type").asText()).isEqualTo("reasoning");
        String rs = reasoningAdded.get("item").get("id").asText();
        assertThat(rs).startsWith("rs_");
        assertThat(withId(events.get(3), rs)).isEqualTo(json("""
                {'type':'response.reasoning_text.delta','sequence_number':3,'item_id':'ID','output_index':0,'content_index':0,
                 'delta':'Six '}
                """));
        assertThat(withId(events.get(5), rs)).isEqualTo(json("""
                {'type':'response.reasoning_text.done','sequence_number':5,'item_id':'ID','output_index':0,'content_index':0,
                 'text':'Six sevens.'}
                """));
        JsonNode reasoningItem = events.get(6).data().get("item");
        assertThat(events.get(6).data().get("output_index").asInt()).isZero();
        assertThat(reasoningItem.get("content")).isEqualTo(json("{'c':[{'type':'reasoning_text','text':'Six sevens.'}]}").get("c"));

        assertThat(events.get(7).data().get("output_index").asInt()).isEqualTo(1);
        assertThat(events.get(7).data().get("item").get("type").asText()).isEqualTo("message");
        assertThat(events.get(9).data().get("output_index").asInt()).isEqualTo(1);
        assertThat(events.get(9).data().get("item_id").asText()).isEqualTo(events.get(7).data().get("item").get("id").asText());
        assertThat(events.get(12).data().get("output_index").asInt()).isEqualTo(1);

        JsonNode output = last(events).get("response").get("output");
        assertThat(output).extracting(i -> i.get("type").asText()).containsExactly("reasoning", "message");
        assertThat(output.get(0)).isEqualTo(reasoningItem);
        assertThat(output.get(1).get("content").get(0).get("text").asText()).isEqualTo("42");
    }

    @Test
    void streamsTextThenEachToolCallAsAFunctionCallItemOfItsOwn() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, "Checking.")),
                call(0, "call_a", "weather", ""), call(0, null, null, "{\"city\":"), call(0, null, null, "\"Paris\"}"),
                call(1, "call_b", "time", "{}"),
                chunk(ChunkChoice.finish(0, FinishReason.TOOL_CALLS)), usage(Usage.of(20, 15))));
        assertThat(types(events)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertNumberedFromZero(events);

        String fcA = events.get(8).data().get("item").get("id").asText();
        assertThat(fcA).startsWith("fc_");
        assertThat(withId(events.get(8), fcA)).isEqualTo(json("""
                {'type':'response.output_item.added','sequence_number':8,'output_index':1,
                 'item':{'type':'function_call','id':'ID','call_id':'call_a','name':'weather','arguments':'','status':'in_progress'}}
                """));
        assertThat(withId(events.get(9), fcA)).isEqualTo(json(
                "{'type':'response.function_call_arguments.delta','sequence_number':9,'item_id':'ID','output_index':1,'delta':'{\\'city\\':'}"));
        assertThat(events.get(10).data().get("delta").asText()).isEqualTo("\"Paris\"}");
        JsonNode argsDone = events.get(11).data();
        assertThat(argsDone.get("item_id").asText()).isEqualTo(fcA);
        assertThat(argsDone.get("output_index").asInt()).isEqualTo(1);
        assertThat(argsDone.get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        JsonNode itemA = events.get(12).data().get("item");
        assertThat(withId(events.get(12), fcA).get("item")).isEqualTo(json("""
                {'type':'function_call','id':'ID','call_id':'call_a','name':'weather','arguments':'{\\'city\\':\\'Paris\\'}','status':'completed'}
                """));

        JsonNode addedB = events.get(13).data();
        String fcB = addedB.get("item").get("id").asText();
        assertThat(fcB).startsWith("fc_").isNotEqualTo(fcA);
        assertThat(addedB.get("output_index").asInt()).isEqualTo(2);
        assertThat(addedB.get("item").get("call_id").asText()).isEqualTo("call_b");
        assertThat(addedB.get("item").get("name").asText()).isEqualTo("time");
        assertThat(events.get(14).data().get("item_id").asText()).isEqualTo(fcB);
        assertThat(events.get(15).data().get("arguments").asText()).isEqualTo("{}");
        assertThat(events.get(16).data().get("output_index").asInt()).isEqualTo(2);

        JsonNode response = last(events).get("response");
        assertThat(response.get("status").asText()).isEqualTo("completed");
        assertThat(response.get("output")).extracting(i -> i.get("type").asText())
                .containsExactly("message", "function_call", "function_call");
        assertThat(response.get("output").get(1)).isEqualTo(itemA);
        assertThat(response.get("output").get(2).get("arguments").asText()).isEqualTo("{}");
    }

    @Test
    void streamsARefusalAsARefusalPart() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.refusal(0, "I can")), chunk(ChunkChoice.refusal(0, "not.")),
                chunk(ChunkChoice.finish(0, FinishReason.STOP))));
        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.refusal.delta", "response.refusal.delta", "response.refusal.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertNumberedFromZero(events);
        String msg = events.get(2).data().get("item").get("id").asText();
        assertThat(withId(events.get(3), msg)).isEqualTo(json("""
                {'type':'response.content_part.added','sequence_number':3,'item_id':'ID','output_index':0,'content_index':0,
                 'part':{'type':'refusal','refusal':''}}
                """));
        assertThat(withId(events.get(4), msg)).isEqualTo(json("""
                {'type':'response.refusal.delta','sequence_number':4,'item_id':'ID','output_index':0,'content_index':0,'delta':'I can'}
                """));
        assertThat(withId(events.get(6), msg)).isEqualTo(json("""
                {'type':'response.refusal.done','sequence_number':6,'item_id':'ID','output_index':0,'content_index':0,'refusal':'I cannot.'}
                """));
        assertThat(events.get(7).data().get("part")).isEqualTo(json("{'type':'refusal','refusal':'I cannot.'}"));
        assertThat(last(events).get("response").get("output").get(0).get("content"))
                .isEqualTo(json("{'c':[{'type':'refusal','refusal':'I cannot.'}]}").get("c"));
    }

    @Test
    void aRefusalAfterTextIsTheMessagesSecondPart() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, "Well,")), chunk(ChunkChoice.refusal(0, "no.")),
                chunk(ChunkChoice.finish(0, FinishReason.STOP))));
        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.content_part.added", "response.refusal.delta", "response.refusal.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(events.get(6).data().get("content_index").asInt()).isZero();
        assertThat(events.get(7).data().get("content_index").asInt()).isEqualTo(1);
        assertThat(events.get(8).data().get("content_index").asInt()).isEqualTo(1);
        assertThat(events.get(11).data().get("item").get("content")).extracting(p -> p.get("type").asText())
                .containsExactly("output_text", "refusal");
    }

    @Test
    void anAnswerCutAtTheOutputLimitEndsWithResponseIncomplete() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, "Once upon a")),
                chunk(ChunkChoice.finish(0, FinishReason.LENGTH)), usage(Usage.of(10, 3))));
        assertThat(events.getLast().name()).isEqualTo("response.incomplete");
        assertThat(types(events)).doesNotContain("response.completed");
        assertNumberedFromZero(events);
        SseEvent itemDone = events.get(events.size() - 2);
        assertThat(itemDone.name()).isEqualTo("response.output_item.done");
        assertThat(itemDone.data().get("item").get("status").asText()).isEqualTo("incomplete");
        JsonNode response = last(events).get("response");
        assertThat(response.get("status").asText()).isEqualTo("incomplete");
        assertThat(response.get("incomplete_details")).isEqualTo(json("{'reason':'max_output_tokens'}"));
        assertThat(response.get("output").get(0).get("status").asText()).isEqualTo("incomplete");
        assertThat(response.get("output").get(0).get("content").get(0).get("text").asText()).isEqualTo("Once upon a");
    }

    @Test
    void countsUsageWhenTheUpstreamReportsNone() {
        String text = "The quick brown fox jumps over the lazy dog.";
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, text)), chunk(ChunkChoice.finish(0, FinishReason.STOP))));
        int output = TOKENS.count(text);
        assertThat(output).isPositive();
        assertUsage(last(events).get("response").get("usage"), 42, 0, output, 0);
    }

    @Test
    void theUpstreamsUsageWinsOverTheEstimate() {
        List<SseEvent> events = run(List.of(chunk(ChunkChoice.content(0, "The quick brown fox jumps over the lazy dog.")),
                chunk(ChunkChoice.finish(0, FinishReason.STOP)), usage(new Usage(1000, 7, 600, 0, 3))));
        assertUsage(last(events).get("response").get("usage"), 1000, 600, 7, 3);
    }

    @Test
    void finishingTwiceYieldsNothingTheSecondTime() {
        assertThat(encoder.response()).isEmpty();
        List<SseEvent> first = run(List.of(chunk(ChunkChoice.content(0, "Hi"))));
        assertThat(first.getLast().name()).isEqualTo("response.completed");
        assertThat(encoder.finish()).isEmpty();
        assertThat(encoder.response()).hasValueSatisfying(r -> assertThat(r.get("status").asText()).isEqualTo("completed"));
    }

    @Test
    void aStreamWithNoChunksStillAnnouncesAndCompletesTheResponse() {
        List<SseEvent> events = encoder.finish();
        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.completed");
        assertNumberedFromZero(events);
        assertThat(last(events).get("response").get("output")).isEmpty();
    }

    @Test
    void aFailureMidStreamIsAnErrorEventWithCodeMessageAndParamAndNothingFollows() {
        List<SseEvent> events = new ArrayList<>(encoder.encode(chunk(ChunkChoice.content(0, "Once upon"))));
        SseEvent error = encoder.error(new GatewayException.BadRequest("Context too long.", "input", "context_length_exceeded"));
        assertThat(error.name()).isEqualTo("error");
        assertThat(error.data()).isEqualTo(json("""
                {'type':'error','sequence_number':5,'code':'context_length_exceeded','message':'Context too long.','param':'input'}
                """));
        assertThat(events).hasSize(5);
        assertThat(encoder.finish()).isEmpty();
    }

    @Test
    void anErrorWithoutAParamWritesParamAsNull() {
        SseEvent error = encoder.error(new GatewayException.UpstreamError("upstream said 500", 500, null));
        assertThat(error.data().get("code").asText()).isEqualTo("upstream_error");
        assertThat(error.data().get("message").asText()).isEqualTo("upstream said 500");
        assertThat(error.data().get("param").isNull()).isTrue();
        assertThat(error.data().get("sequence_number").asInt()).isZero();
    }

    @Test
    void theAnswerIsTheAssistantMessageWithTextToolCallsAndReasoning() {
        run(List.of(chunk(ChunkChoice.reasoning(0, "Look it ")), chunk(ChunkChoice.reasoning(0, "up.")),
                chunk(ChunkChoice.content(0, "Check")), chunk(ChunkChoice.content(0, "ing.")),
                call(0, "call_a", "weather", "{\"city\":"), call(0, null, null, "\"Paris\"}"), call(1, "call_b", "time", "{}"),
                chunk(ChunkChoice.finish(0, FinishReason.TOOL_CALLS))));
        assertThat(encoder.answer()).isEqualTo(new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Checking.")), true,
                Optional.empty(), List.of(new ToolCall("call_a", "weather", "{\"city\":\"Paris\"}"), new ToolCall("call_b", "time", "{}")),
                Optional.empty(), Optional.of("Look it up."), Optional.empty()));
    }

    @Test
    void theAnswerKeepsARefusal() {
        run(List.of(chunk(ChunkChoice.refusal(0, "No."))));
        Message answer = encoder.answer();
        assertThat(answer.refusal()).hasValue("No.");
        assertThat(answer.content()).isEmpty();
        assertThat(answer.toolCalls()).isEmpty();
        assertThat(answer.reasoning()).isEmpty();
    }
}
