package dev.switchboard.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.OpenAiResponsesCodec.Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Responses API codec against https://platform.openai.com/docs/api-reference/responses (wire names as in
 * openai-python's {@code src/openai/types/responses}).
 */
class OpenAiResponsesCodecTest {
    /** JSON written with single quotes for readability. */
    private static JsonNode json(String text) {
        return Json.parseBody(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static Request parse(String body) {
        return OpenAiResponsesCodec.parseRequest(json(body));
    }

    private static void assertRefused(String body, String param, String message) {
        assertThatThrownBy(() -> parse(body))
                .as(body)
                .isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).hasValue(param);
                })
                .hasMessageContaining(message);
    }

    // ------------------------------------------------------------------ input

    @Test
    void aStringInputIsOneUserMessage() {
        Request r = parse("{'model':'gpt-4o','input':'Tell me a joke.'}");
        assertThat(r.input()).containsExactly(Message.user("Tell me a joke."));
        assertThat(r.template().model()).isEqualTo("gpt-4o");
        assertThat(r.chat(List.of()).messages()).containsExactly(Message.user("Tell me a joke."));
    }

    @Test
    void instructionsBecomeTheFirstSystemMessageButAreNotPartOfTheInput() {
        Request r = parse("{'model':'m','instructions':'Be brief.','input':'Hi'}");
        assertThat(r.instructions()).hasValue("Be brief.");
        assertThat(r.input()).containsExactly(Message.user("Hi"));
        assertThat(r.chat(List.of()).messages()).containsExactly(Message.system("Be brief."), Message.user("Hi"));
        assertThat(r.echo().get("instructions").asText()).isEqualTo("Be brief.");
    }

    @Test
    void chatOrdersInstructionsThenTheEarlierTurnsThenTheInput() {
        Request r = parse("{'model':'m','instructions':'Be brief.','input':'And 3?','previous_response_id':'resp_1'}");
        List<Message> earlier = List.of(Message.user("1 plus 1?"), Message.assistant("2"));
        assertThat(r.previousResponseId()).hasValue("resp_1");
        assertThat(r.chat(earlier).messages()).containsExactly(Message.system("Be brief."), Message.user("1 plus 1?"),
                Message.assistant("2"), Message.user("And 3?"));
    }

    @Test
    void readsMessageItemsWithStringContentAndEveryRole() {
        Request r = parse("""
                {'model':'m','input':[
                  {'type':'message','role':'system','content':'S'},
                  {'type':'message','role':'developer','content':'D'},
                  {'role':'user','content':'U'},
                  {'type':'message','role':'assistant','content':'A'}]}
                """);
        assertThat(r.input()).containsExactly(Message.system("S"), Message.of(Role.DEVELOPER, "D"), Message.user("U"),
                Message.assistant("A"));
    }

    @Test
    void readsInputTextAndInputImagePartsOfAUserMessage() {
        Request r = parse("""
                {'model':'m','input':[{'type':'message','role':'user','content':[
                  {'type':'input_text','text':'What is this?'},
                  {'type':'input_image','image_url':'data:image/png;base64,iVBOR','detail':'low'},
                  {'type':'input_image','image_url':'https://example.com/cat.jpg'}]}]}
                """);
        Message m = r.input().getFirst();
        assertThat(m.role()).isEqualTo(Role.USER);
        assertThat(m.content()).containsExactly(new ContentPart.Text("What is this?"),
                new ContentPart.Image("data:image/png;base64,iVBOR", Optional.of("low")),
                new ContentPart.Image("https://example.com/cat.jpg", Optional.empty()));
    }

    @Test
    void anAssistantsOutputTextPartsJoinAsOneAnswerAndItsRefusalIsKept() {
        Request r = parse("""
                {'model':'m','input':[
                  {'type':'message','role':'assistant','content':[{'type':'output_text','text':'Hel'},{'type':'output_text','text':'lo'}]},
                  {'type':'message','role':'assistant','content':[{'type':'refusal','refusal':'I cannot help with that.'}]}]}
                """);
        assertThat(r.input().get(0).role()).isEqualTo(Role.ASSISTANT);
        assertThat(r.input().get(0).text()).isEqualTo("Hello");
        assertThat(r.input().get(1).refusal()).hasValue("I cannot help with that.");
        assertThat(r.input().get(1).content()).isEmpty();
    }

    @Test
    void consecutiveFunctionCallsJoinTheAssistantMessageBeforeThemAndOutputsBecomeToolMessages() {
        Request r = parse("""
                {'model':'m','input':[
                  {'role':'user','content':'Weather in Paris and Rome?'},
                  {'type':'message','role':'assistant','content':[{'type':'output_text','text':'Let me check.'}]},
                  {'type':'function_call','call_id':'call_a','name':'weather','arguments':'{\\'city\\':\\'Paris\\'}'},
                  {'type':'function_call','call_id':'call_b','name':'weather','arguments':'{\\'city\\':\\'Rome\\'}'},
                  {'type':'function_call_output','call_id':'call_a','output':'18C'},
                  {'type':'function_call_output','call_id':'call_b','output':[{'type':'input_text','text':'2'},{'type':'input_text','text':'1C'}]}]}
                """);
        assertThat(r.input()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.TOOL);
        Message assistant = r.input().get(1);
        assertThat(assistant.text()).isEqualTo("Let me check.");
        assertThat(assistant.toolCalls()).containsExactly(new ToolCall("call_a", "weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_b", "weather", "{\"city\":\"Rome\"}"));
        assertThat(r.input().get(2)).isEqualTo(Message.toolResult("call_a", "18C"));
        assertThat(r.input().get(3)).isEqualTo(Message.toolResult("call_b", "21C"));
    }

    @Test
    void aFunctionCallWithNoAssistantMessageBeforeItIsAnAssistantMessageOfItsOwn() {
        Request r = parse("""
                {'model':'m','input':[
                  {'role':'user','content':'Time?'},
                  {'type':'function_call','call_id':'c1','name':'now','arguments':'{}'},
                  {'type':'function_call_output','call_id':'c1','output':'noon'},
                  {'type':'function_call','call_id':'c2','name':'now','arguments':'{}'}]}
                """);
        assertThat(r.input()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
        assertThat(r.input().get(1).content()).isEmpty();
        assertThat(r.input().get(1).toolCalls()).containsExactly(new ToolCall("c1", "now", "{}"));
        assertThat(r.input().get(3).toolCalls()).containsExactly(new ToolCall("c2", "now", "{}"));
    }

    @Test
    void reasoningItemsSentBackAsInputAreDropped() {
        Request r = parse("""
                {'model':'m','input':[
                  {'role':'user','content':'Q'},
                  {'type':'reasoning','id':'rs_1','summary':[],'encrypted_content':'gAAAA'},
                  {'type':'message','role':'assistant','content':[{'type':'output_text','text':'A'}]}]}
                """);
        assertThat(r.input()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT);
        assertThat(r.input().get(1).text()).isEqualTo("A");
    }

    // ------------------------------------------------------------------ tools and formats

    /**
     * The echo states {@code strict} as the client sent it, as the canonical tool carries it to the upstream: null when
     * left out, so the response claims no strictness the upstream was not asked for.
     */
    @Test
    void functionToolsBecomeCanonicalToolsAndAreEchoedWithStrictAsSent() {
        Request r = parse("""
                {'model':'m','input':'x','tools':[
                  {'type':'function','name':'weather','description':'Weather now','parameters':{'type':'object','properties':{'city':{'type':'string'}}}},
                  {'type':'function','name':'loose','parameters':{'type':'object'},'strict':false},
                  {'type':'function','name':'tight','parameters':{'type':'object'},'strict':true}]}
                """);
        List<Tool> tools = r.template().tools();
        assertThat(tools).extracting(Tool::name).containsExactly("weather", "loose", "tight");
        assertThat(tools.get(0).description()).hasValue("Weather now");
        assertThat(tools.get(0).parameters()).isEqualTo(json("{'type':'object','properties':{'city':{'type':'string'}}}"));
        assertThat(tools).extracting(Tool::strict).containsExactly(Optional.empty(), Optional.of(false), Optional.of(true));
        assertThat(r.echo().get("tools")).isEqualTo(json("""
                {'t':[{'type':'function','name':'weather','description':'Weather now',
                       'parameters':{'type':'object','properties':{'city':{'type':'string'}}},'strict':null},
                      {'type':'function','name':'loose','description':null,'parameters':{'type':'object'},'strict':false},
                      {'type':'function','name':'tight','description':null,'parameters':{'type':'object'},'strict':true}]}
                """).get("t"));
    }

    @Test
    void aFunctionToolWithoutParametersGetsAnEmptyObjectSchema() {
        Request r = parse("{'model':'m','input':'x','tools':[{'type':'function','name':'ping'}]}");
        assertThat(r.template().tools().getFirst().parameters()).isEqualTo(json("{'type':'object','properties':{}}"));
    }

    @Test
    void readsEveryFormOfToolChoice() {
        String tools = "'tools':[{'type':'function','name':'f','parameters':{'type':'object'}}]";
        assertThat(parse("{'model':'m','input':'x'," + tools + ",'tool_choice':'none'}").template().toolChoice())
                .hasValue(new ToolChoice.None());
        assertThat(parse("{'model':'m','input':'x'," + tools + ",'tool_choice':'auto'}").template().toolChoice())
                .hasValue(new ToolChoice.Auto());
        assertThat(parse("{'model':'m','input':'x'," + tools + ",'tool_choice':'required'}").template().toolChoice())
                .hasValue(new ToolChoice.Required());
        Request named = parse("{'model':'m','input':'x'," + tools + ",'tool_choice':{'type':'function','name':'f'}}");
        assertThat(named.template().toolChoice()).hasValue(new ToolChoice.Named("f"));
        assertThat(named.echo().get("tool_choice")).isEqualTo(json("{'type':'function','name':'f'}"));
        assertThat(parse("{'model':'m','input':'x'}").echo().get("tool_choice").asText()).isEqualTo("auto");
    }

    @Test
    void aNamedToolChoiceThatIsNotAmongTheToolsIsRefused() {
        assertRefused("{'model':'m','input':'x','tools':[{'type':'function','name':'f'}],'tool_choice':{'type':'function','name':'g'}}",
                "tool_choice", "tool 'g' is not among the tools given");
    }

    @Test
    void textFormatBecomesTheResponseFormat() {
        assertThat(parse("{'model':'m','input':'x','text':{'format':{'type':'text'}}}").template().responseFormat())
                .hasValue(new ResponseFormat.Text());
        assertThat(parse("{'model':'m','input':'x','text':{'format':{'type':'json_object'}}}").template().responseFormat())
                .hasValue(new ResponseFormat.JsonObject());
        Request schema = parse("""
                {'model':'m','input':'x','text':{'format':{'type':'json_schema','name':'person','strict':true,
                  'description':'A person','schema':{'type':'object','properties':{'name':{'type':'string'}}}}}}
                """);
        assertThat(schema.template().responseFormat()).hasValue(new ResponseFormat.JsonSchema("person",
                json("{'type':'object','properties':{'name':{'type':'string'}}}"), Optional.of(true), Optional.of("A person")));
        assertThat(schema.echo().get("text").get("format").get("name").asText()).isEqualTo("person");
        assertThat(parse("{'model':'m','input':'x'}").echo().get("text").get("format")).isEqualTo(json("{'type':'text'}"));
    }

    @Test
    void aJsonSchemaFormatWithoutItsSchemaIsRefused() {
        assertRefused("{'model':'m','input':'x','text':{'format':{'type':'json_schema','name':'person'}}}",
                "text.format.schema", "Missing required parameter: 'text.format.schema'.");
    }

    // ------------------------------------------------------------------ sampling, metadata, store, reasoning

    @Test
    void readsMaxOutputTokensTemperatureAndTopPWithinTheirRanges() {
        Request r = parse("{'model':'m','input':'x','max_output_tokens':256,'temperature':0.2,'top_p':0.9}");
        assertThat(r.template().maxTokens()).hasValue(256);
        assertThat(r.template().temperature()).hasValue(0.2);
        assertThat(r.template().topP()).hasValue(0.9);
        assertThat(r.echo().get("max_output_tokens").asInt()).isEqualTo(256);
        assertThat(r.echo().get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(r.echo().get("top_p").asDouble()).isEqualTo(0.9);
        Request bounds = parse("{'model':'m','input':'x','temperature':2,'top_p':0}");
        assertThat(bounds.template().temperature()).hasValue(2.0);
        assertThat(bounds.template().topP()).hasValue(0.0);
        Request none = parse("{'model':'m','input':'x'}");
        assertThat(none.template().maxTokens()).isEmpty();
        assertThat(none.echo().get("max_output_tokens").isNull()).isTrue();
        assertThat(none.echo().get("temperature").asDouble()).isEqualTo(1.0);
        assertThat(none.echo().get("top_p").asDouble()).isEqualTo(1.0);
    }

    @Test
    void refusesOutOfRangeSamplingParameters() {
        assertRefused("{'model':'m','input':'x','max_output_tokens':0}", "max_output_tokens", "max_output_tokens");
        assertRefused("{'model':'m','input':'x','max_output_tokens':'10'}", "max_output_tokens", "expected an integer");
        assertRefused("{'model':'m','input':'x','temperature':2.5}", "temperature", "between");
        assertRefused("{'model':'m','input':'x','temperature':-0.1}", "temperature", "between");
        assertRefused("{'model':'m','input':'x','top_p':1.5}", "top_p", "between");
    }

    @Test
    void metadataValuesMustBeStrings() {
        Request r = parse("{'model':'m','input':'x','metadata':{'team':'search','run':'7'}}");
        assertThat(r.template().metadata()).containsOnly(entry("team", "search"),
                entry("run", "7"));
        assertThat(r.echo().get("metadata")).isEqualTo(json("{'team':'search','run':'7'}"));
        assertRefused("{'model':'m','input':'x','metadata':{'run':7}}", "metadata", "expected a string");
    }

    @Test
    void storeDefaultsToTrueAndCanBeTurnedOff() {
        Request stored = parse("{'model':'m','input':'x'}");
        assertThat(stored.store()).isTrue();
        assertThat(stored.echo().get("store").asBoolean()).isTrue();
        Request unstored = parse("{'model':'m','input':'x','store':false}");
        assertThat(unstored.store()).isFalse();
        assertThat(unstored.echo().get("store").asBoolean()).isFalse();
    }

    @Test
    void aReasoningEffortReachesTheChatRequestAsReasoningEffort() {
        Request r = parse("{'model':'o3','input':'x','reasoning':{'effort':'high','summary':'auto'}}");
        assertThat(r.reasoningEffort()).hasValue("high");
        assertThat(r.echo().get("reasoning")).isEqualTo(json("{'effort':'high','summary':'auto'}"));
        ChatRequest chat = r.chat(List.of());
        assertThat(chat.openAiBody()).hasValueSatisfying(body -> {
            assertThat(body.get("reasoning_effort").asText()).isEqualTo("high");
            assertThat(body.get("model").asText()).isEqualTo("o3");
        });
        assertThat(chat.messages()).containsExactly(Message.user("x"));

        Request plain = parse("{'model':'m','input':'x'}");
        assertThat(plain.reasoningEffort()).isEmpty();
        assertThat(plain.chat(List.of()).openAiBody()).isEmpty();
        assertThat(plain.echo().get("reasoning")).isEqualTo(json("{'effort':null,'summary':null}"));
    }

    @Test
    void asksUpstreamsForUsageAndPassesStreamOn() {
        assertThat(parse("{'model':'m','input':'x','stream':true}").template().stream()).isTrue();
        Request r = parse("{'model':'m','input':'x'}");
        assertThat(r.template().stream()).isFalse();
        assertThat(r.template().includeUsage()).isTrue();
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void refusesWhatTheGatewayCannotServeWithA400NamingTheParameter() {
        record Case(String body, String param, String message) {}
        List<Case> cases = List.of(
                new Case("{'input':'x'}", "model", "Missing required parameter: 'model'."),
                new Case("{'model':'m'}", "input", "Missing required parameter: 'input'."),
                new Case("{'model':'m','input':[]}", "input", "at least one item"),
                new Case("{'model':'m','input':'x','tools':[{'type':'web_search'}]}", "tools[0].type", "'web_search'"),
                new Case("{'model':'m','input':[{'type':'file_search_call','id':'fs_1'}]}", "input[0].type", "'file_search_call'"),
                new Case("{'model':'m','input':[{'role':'user','content':[{'type':'input_image','file_id':'file-1'}]}]}",
                        "input[0].content[0].file_id", "files are not supported"),
                new Case("{'model':'m','input':'x','background':true}", "background", "background"),
                new Case("{'model':'m','input':'x','conversation':'conv_1'}", "conversation", "conversations are not supported"),
                new Case("{'model':'m','input':'x','prompt':{'id':'pmpt_1'}}", "prompt", "prompt templates are not supported"),
                new Case("{'model':'m','input':'x','top_logprobs':3}", "top_logprobs", "log probabilities"),
                new Case("{'model':'m','input':'x','truncation':'middle'}", "truncation", "'middle'"),
                new Case("{'model':'m','input':[{'role':'tool','content':'42'}]}", "input[0].role", "'tool'"));
        for (Case c : cases) assertRefused(c.body(), c.param(), c.message());
    }

    @Test
    void acceptsTheHarmlessValuesOfRefusedParameters() {
        Request r = parse("{'model':'m','input':'x','background':false,'top_logprobs':0,'truncation':'auto'}");
        assertThat(r.echo().get("background").asBoolean()).isFalse();
        assertThat(r.echo().get("truncation").asText()).isEqualTo("auto");
        assertThat(parse("{'model':'m','input':'x','truncation':'disabled'}").echo().get("truncation").asText())
                .isEqualTo("disabled");
    }

    @Test
    void anEmptyInputIsAcceptedWhenItContinuesAPreviousResponse() {
        Request r = parse("{'model':'m','input':[],'previous_response_id':'resp_1'}");
        assertThat(r.input()).isEmpty();
        assertThat(r.chat(List.of(Message.user("Q"), Message.assistant("A"))).messages())
                .containsExactly(Message.user("Q"), Message.assistant("A"));
        assertThat(r.echo().get("previous_response_id").asText()).isEqualTo("resp_1");
    }

    // ------------------------------------------------------------------ responses

    @Test
    void writesTheResponseObjectWithItsEchoAndUsage() {
        Request r = parse("{'model':'gpt-4o','input':'x','instructions':'Be brief.','temperature':0.5,'metadata':{'k':'v'}}");
        ArrayNode output = OpenAiResponsesCodec.outputItems(Message.assistant("Hi"), Optional.of(FinishReason.STOP));
        ObjectNode o = OpenAiResponsesCodec.writeResponse("resp_1", 1_700_000_000L, "gpt-4o", "completed",
                Optional.of(FinishReason.STOP), output, Optional.of(new Usage(30, 12, 10, 0, 5)), r.echo());
        assertThat(o.get("id").asText()).isEqualTo("resp_1");
        assertThat(o.get("object").asText()).isEqualTo("response");
        assertThat(o.get("created_at").asLong()).isEqualTo(1_700_000_000L);
        assertThat(o.get("status").asText()).isEqualTo("completed");
        assertThat(o.get("error").isNull()).isTrue();
        assertThat(o.get("incomplete_details").isNull()).isTrue();
        assertThat(o.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(o.get("output")).isEqualTo(output);
        assertThat(o.get("instructions").asText()).isEqualTo("Be brief.");
        assertThat(o.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(o.get("metadata")).isEqualTo(json("{'k':'v'}"));
        assertThat(o.get("store").asBoolean()).isTrue();
        assertThat(o.get("tools").isArray()).isTrue();
        JsonNode usage = o.get("usage");
        assertThat(usage.get("input_tokens").asInt()).isEqualTo(30);
        assertThat(usage.get("input_tokens_details").get("cached_tokens").asInt()).isEqualTo(10);
        assertThat(usage.get("output_tokens").asInt()).isEqualTo(12);
        assertThat(usage.get("output_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(5);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(42);
    }

    @Test
    void aResponseWithoutUsageWritesUsageAsNull() {
        ObjectNode o = OpenAiResponsesCodec.writeResponse("resp_1", 1L, "m", "in_progress", Optional.empty(),
                Json.NODES.arrayNode(), Optional.empty(), Json.object());
        assertThat(o.get("usage").isNull()).isTrue();
        assertThat(o.get("status").asText()).isEqualTo("in_progress");
        assertThat(o.get("output")).isEmpty();
    }

    @Test
    void aCutAnswerIsIncompleteWithItsReason() {
        assertThat(OpenAiResponsesCodec.status(Optional.of(FinishReason.LENGTH))).isEqualTo("incomplete");
        assertThat(OpenAiResponsesCodec.status(Optional.of(FinishReason.CONTENT_FILTER))).isEqualTo("incomplete");
        assertThat(OpenAiResponsesCodec.status(Optional.of(FinishReason.STOP))).isEqualTo("completed");
        assertThat(OpenAiResponsesCodec.status(Optional.of(FinishReason.TOOL_CALLS))).isEqualTo("completed");
        assertThat(OpenAiResponsesCodec.status(Optional.empty())).isEqualTo("completed");

        ObjectNode length = OpenAiResponsesCodec.writeResponse("resp_1", 1L, "m", "incomplete", Optional.of(FinishReason.LENGTH),
                Json.NODES.arrayNode(), Optional.of(Usage.of(1, 2)), Json.object());
        assertThat(length.get("status").asText()).isEqualTo("incomplete");
        assertThat(length.get("incomplete_details")).isEqualTo(json("{'reason':'max_output_tokens'}"));
        ObjectNode filtered = OpenAiResponsesCodec.writeResponse("resp_1", 1L, "m", "incomplete",
                Optional.of(FinishReason.CONTENT_FILTER), Json.NODES.arrayNode(), Optional.of(Usage.of(1, 2)), Json.object());
        assertThat(filtered.get("incomplete_details")).isEqualTo(json("{'reason':'content_filter'}"));
    }

    @Test
    void writesATextAnswerAsOneCompletedMessageItem() {
        ArrayNode items = OpenAiResponsesCodec.outputItems(Message.assistant("Hello!"), Optional.of(FinishReason.STOP));
        assertThat(items).hasSize(1);
        JsonNode message = items.get(0);
        assertThat(message.get("id").asText()).startsWith("msg_");
        ObjectNode withoutId = message.deepCopy();
        withoutId.remove("id");
        assertThat(withoutId).isEqualTo(json("""
                {'type':'message','status':'completed','role':'assistant',
                 'content':[{'type':'output_text','text':'Hello!','annotations':[],'logprobs':[]}]}
                """));
    }

    @Test
    void writesARefusalAsARefusalPart() {
        Message refused = new Message(Role.ASSISTANT, List.of(), false, Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.of("I cannot help with that."));
        ArrayNode items = OpenAiResponsesCodec.outputItems(refused, Optional.of(FinishReason.STOP));
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("type").asText()).isEqualTo("message");
        assertThat(items.get(0).get("content"))
                .isEqualTo(json("{'c':[{'type':'refusal','refusal':'I cannot help with that.'}]}").get("c"));
    }

    @Test
    void writesReasoningAsAReasoningItemBeforeTheMessage() {
        Message m = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("42")), true, Optional.empty(), List.of(),
                Optional.empty(), Optional.of("Six times seven."), Optional.empty());
        ArrayNode items = OpenAiResponsesCodec.outputItems(m, Optional.of(FinishReason.STOP));
        assertThat(items).extracting(i -> i.get("type").asText()).containsExactly("reasoning", "message");
        JsonNode reasoning = items.get(0);
        assertThat(reasoning.get("id").asText()).startsWith("rs_");
        assertThat(reasoning.get("summary")).isEmpty();
        assertThat(reasoning.get("content")).isEqualTo(json("{'c':[{'type':'reasoning_text','text':'Six times seven.'}]}").get("c"));
        assertThat(items.get(1).get("content").get(0).get("text").asText()).isEqualTo("42");
    }

    @Test
    void writesToolCallsAsFunctionCallItemsAfterTheMessage() {
        Message m = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Checking.")), true, Optional.empty(),
                List.of(new ToolCall("call_a", "weather", "{\"city\":\"Paris\"}"), new ToolCall("call_b", "time", "{}")),
                Optional.empty(), Optional.empty(), Optional.empty());
        ArrayNode items = OpenAiResponsesCodec.outputItems(m, Optional.of(FinishReason.TOOL_CALLS));
        assertThat(items).extracting(i -> i.get("type").asText()).containsExactly("message", "function_call", "function_call");
        JsonNode first = items.get(1);
        assertThat(first.get("id").asText()).startsWith("fc_");
        assertThat(first.get("call_id").asText()).isEqualTo("call_a");
        assertThat(first.get("name").asText()).isEqualTo("weather");
        assertThat(first.get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(first.get("status").asText()).isEqualTo("completed");
        assertThat(items.get(2).get("call_id").asText()).isEqualTo("call_b");
        assertThat(items.get(1).get("id").asText()).isNotEqualTo(items.get(2).get("id").asText());
    }

    @Test
    void writesNoEmptyMessageWhenTheAnswerIsOnlyToolCalls() {
        Message m = new Message(Role.ASSISTANT, List.of(), false, Optional.empty(), List.of(new ToolCall("call_a", "f", "{}")),
                Optional.empty(), Optional.empty(), Optional.empty());
        ArrayNode items = OpenAiResponsesCodec.outputItems(m, Optional.of(FinishReason.TOOL_CALLS));
        assertThat(items).extracting(i -> i.get("type").asText()).containsExactly("function_call");
    }

    @Test
    void aCutAnswersMessageIsIncomplete() {
        ArrayNode items = OpenAiResponsesCodec.outputItems(Message.assistant("Once upon a"), Optional.of(FinishReason.LENGTH));
        assertThat(items.get(0).get("status").asText()).isEqualTo("incomplete");
        assertThat(items.get(0).get("content").get(0).get("text").asText()).isEqualTo("Once upon a");
    }

    @Test
    void newIdsCarryTheirKindsPrefixAndDiffer() {
        for (String prefix : List.of("resp", "msg", "fc", "rs")) {
            String id = OpenAiResponsesCodec.newId(prefix);
            assertThat(id).startsWith(prefix + "_").matches(prefix + "_[0-9a-f]{48}");
            assertThat(OpenAiResponsesCodec.newId(prefix)).isNotEqualTo(id);
        }
    }

    // ------------------------------------------------------------------ input items

    @Test
    void listsAnInputAsItemsWithIdsAndReadsBackToTheSameMessages() {
        Request r = parse("""
                {'model':'m','input':[
                  {'role':'developer','content':'Use metric units.'},
                  {'type':'message','role':'user','content':[{'type':'input_text','text':'What is this?'},
                      {'type':'input_image','image_url':'https://example.com/cat.png','detail':'low'}]},
                  {'type':'message','role':'assistant','content':[{'type':'output_text','text':'Let me look.'}]},
                  {'type':'function_call','call_id':'call_a','name':'lookup','arguments':'{}'},
                  {'type':'function_call_output','call_id':'call_a','output':'a cat'},
                  {'role':'user','content':'thanks'}]}""");

        ArrayNode items = OpenAiResponsesCodec.inputItems(r.input());

        assertThat(items).extracting(i -> i.get("type").asText() + ":" + i.path("role").asText(""))
                .containsExactly("message:developer", "message:user", "message:assistant", "function_call:",
                        "function_call_output:", "message:user");
        assertThat(items).extracting(i -> i.get("id").asText()).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-z]+_[0-9a-f]{48}"));
        assertThat(items).allMatch(i -> i.get("status").asText().equals("completed"));
        JsonNode image = items.get(1).get("content").get(1);
        assertThat(image.get("type").asText()).isEqualTo("input_image");
        assertThat(image.get("image_url").asText()).isEqualTo("https://example.com/cat.png");
        assertThat(image.get("detail").asText()).isEqualTo("low");
        assertThat(items.get(4).get("output").asText()).isEqualTo("a cat");
        // What the list says is what the model was sent: the items, sent back as input, are the same conversation.
        assertThat(OpenAiResponsesCodec.parseInput(items)).extracting(OpenAiResponsesCodecTest::said)
                .isEqualTo(r.input().stream().map(OpenAiResponsesCodecTest::said).toList());
    }

    @Test
    void anImageWithoutDetailIsListedWithDetailAuto() {
        ArrayNode items = OpenAiResponsesCodec.inputItems(List.of(new Message(Role.USER,
                List.of(new ContentPart.Image("data:image/png;base64,AAAA", Optional.empty())), false, Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty())));
        assertThat(items.get(0).get("content").get(0).get("detail").asText()).isEqualTo("auto");
    }

    /** What a message says, whatever the shape of its content. */
    private static String said(Message m) {
        return m.role() + " " + m.content() + " " + m.toolCalls() + " " + m.toolCallId();
    }

    private static ArrayNode numberedItems(int n) {
        ArrayNode items = Json.NODES.arrayNode();
        for (int i = 1; i <= n; i++) items.add(Json.object().put("id", "msg_" + i).put("type", "message"));
        return items;
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new java.util.ArrayList<>();
        page.get("data").forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    @Test
    void pagesItemsNewestFirstByDefaultAndOnAfterTheLastIdOfThePageBefore() {
        ArrayNode items = numberedItems(5);

        JsonNode first = OpenAiResponsesCodec.itemPage(items, false, Optional.empty(), 2);
        assertThat(first.get("object").asText()).isEqualTo("list");
        assertThat(ids(first)).containsExactly("msg_5", "msg_4");
        assertThat(first.get("first_id").asText()).isEqualTo("msg_5");
        assertThat(first.get("last_id").asText()).isEqualTo("msg_4");
        assertThat(first.get("has_more").asBoolean()).isTrue();

        JsonNode second = OpenAiResponsesCodec.itemPage(items, false, Optional.of("msg_4"), 2);
        assertThat(ids(second)).containsExactly("msg_3", "msg_2");
        JsonNode last = OpenAiResponsesCodec.itemPage(items, false, Optional.of("msg_2"), 2);
        assertThat(ids(last)).containsExactly("msg_1");
        assertThat(last.get("has_more").asBoolean()).isFalse();

        assertThat(ids(OpenAiResponsesCodec.itemPage(items, true, Optional.of("msg_2"), 20))).containsExactly("msg_3", "msg_4", "msg_5");
        JsonNode none = OpenAiResponsesCodec.itemPage(items, true, Optional.of("msg_5"), 20);
        assertThat(ids(none)).isEmpty();
        assertThat(none.get("first_id").isNull()).isTrue();
        assertThat(none.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void anAfterThatIsNoItemOfTheResponseIsA400NamingIt() {
        assertThatThrownBy(() -> OpenAiResponsesCodec.itemPage(numberedItems(2), false, Optional.of("msg_9"), 20))
                .isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> assertThat(e.param()).hasValue("after"))
                .hasMessageContaining("msg_9");
    }
}
