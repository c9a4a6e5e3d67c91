package dev.switchboard.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AnthropicMessagesCodecTest {
    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static GatewayException.BadRequest rejects(String body) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> AnthropicMessagesCodec.parseRequest(json(body)));
        assertThat(t).isInstanceOf(GatewayException.BadRequest.class);
        GatewayException.BadRequest e = (GatewayException.BadRequest) t;
        assertThat(e.status()).isEqualTo(400);
        assertThat(AnthropicMessagesCodec.errorType(e)).isEqualTo("invalid_request_error");
        return e;
    }

    @Nested
    class Requests {
        @Test
        void readsAToolConversationIntoCanonicalMessages() {
            ChatRequest r = AnthropicMessagesCodec.parseRequest(json("""
                    {'model':'claude-sonnet-4-5','max_tokens':1024,'system':'You are terse.',
                     'messages':[
                       {'role':'user','content':'Weather in Paris and Rome?'},
                       {'role':'assistant','content':[{'type':'text','text':'Checking.'},
                          {'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Paris'}},
                          {'type':'tool_use','id':'toolu_2','name':'get_weather','input':{'city':'Rome'}}]},
                       {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'18C'},
                          {'type':'tool_result','tool_use_id':'toolu_2','content':[{'type':'text','text':'24C'}]},
                          {'type':'text','text':'Which is warmer?'}]}],
                     'tools':[{'name':'get_weather','description':'Weather by city',
                               'input_schema':{'type':'object','properties':{'city':{'type':'string'}}}}],
                     'tool_choice':{'type':'tool','name':'get_weather','disable_parallel_tool_use':true},
                     'stop_sequences':['END'],'temperature':0.5,'top_p':0.8,'top_k':5,
                     'metadata':{'user_id':'u-7'},'stream':true}
                    """));
            assertThat(r.model()).isEqualTo("claude-sonnet-4-5");
            assertThat(r.maxTokens()).hasValue(1024);
            assertThat(r.messages()).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT,
                    Role.TOOL, Role.TOOL, Role.USER);
            assertThat(r.messages().get(0).text()).isEqualTo("You are terse.");
            Message assistant = r.messages().get(2);
            assertThat(assistant.text()).isEqualTo("Checking.");
            assertThat(assistant.toolCalls()).containsExactly(new ToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}"),
                    new ToolCall("toolu_2", "get_weather", "{\"city\":\"Rome\"}"));
            assertThat(r.messages().get(3).toolCallId()).contains("toolu_1");
            assertThat(r.messages().get(3).text()).isEqualTo("18C");
            assertThat(r.messages().get(4).text()).isEqualTo("24C");
            assertThat(r.messages().get(5).text()).isEqualTo("Which is warmer?");
            assertThat(r.tools()).singleElement().satisfies(t -> {
                assertThat(t.name()).isEqualTo("get_weather");
                assertThat(t.description()).contains("Weather by city");
                assertThat(t.parameters().path("properties").has("city")).isTrue();
            });
            assertThat(r.toolChoice()).contains(new ToolChoice.Named("get_weather"));
            assertThat(r.parallelToolCalls()).contains(false);
            assertThat(r.stop()).containsExactly("END");
            assertThat(r.temperature()).hasValue(0.5);
            assertThat(r.topP()).hasValue(0.8);
            assertThat(r.user()).contains("u-7");
            assertThat(r.stream()).isTrue();
            assertThat(r.includeUsage()).isTrue();
            assertThat(r.openAiBody()).isEmpty();
        }

        @Test
        void readsSystemBlocksAsOneSystemMessage() {
            ChatRequest r = AnthropicMessagesCodec.parseRequest(json("""
                    {'model':'m','max_tokens':10,'system':[{'type':'text','text':'Rule one.'},
                      {'type':'text','text':'Rule two.','cache_control':{'type':'ephemeral'}}],
                     'messages':[{'role':'user','content':'hi'}]}
                    """));
            Message system = r.messages().getFirst();
            assertThat(system.role()).isEqualTo(Role.SYSTEM);
            assertThat(system.content()).containsExactly(new ContentPart.Text("Rule one."),
                    new ContentPart.Text("Rule two.", Optional.of(json("{'type':'ephemeral'}"))));
        }

        @Test
        void readsImageSourcesAsDataUrlsAndUrls() {
            ChatRequest r = AnthropicMessagesCodec.parseRequest(json("""
                    {'model':'m','max_tokens':10,'messages':[{'role':'user','content':[
                      {'type':'image','source':{'type':'base64','media_type':'image/jpeg','data':'/9j/4AAQ'}},
                      {'type':'image','source':{'type':'url','url':'https://example.com/cat.png'}},
                      {'type':'text','text':'Same animal?'}]}]}
                    """));
            assertThat(r.messages().getFirst().content()).containsExactly(
                    new ContentPart.Image("data:image/jpeg;base64,/9j/4AAQ", Optional.empty()),
                    new ContentPart.Image("https://example.com/cat.png", Optional.empty()),
                    new ContentPart.Text("Same animal?"));
        }

        @Test
        void keepsSignedAndRedactedThinkingAsPartsAndUnsignedThinkingAsReasoningOnly() {
            ChatRequest r = AnthropicMessagesCodec.parseRequest(json("""
                    {'model':'m','max_tokens':10,'messages':[{'role':'user','content':'q'},
                      {'role':'assistant','content':[{'type':'thinking','thinking':'Hmm.','signature':'EqQB'},
                        {'type':'redacted_thinking','data':'EmwK'},{'type':'text','text':'A'}]},
                      {'role':'user','content':'q2'},
                      {'role':'assistant','content':[{'type':'thinking','thinking':'Well.','signature':''},
                        {'type':'text','text':'B'}]},
                      {'role':'user','content':'q3'}]}
                    """));
            Message signed = r.messages().get(1);
            assertThat(signed.reasoning()).contains("Hmm.");
            assertThat(signed.content()).containsExactly(new ContentPart.Thinking("Hmm.", "EqQB"),
                    new ContentPart.RedactedThinking("EmwK"), new ContentPart.Text("A"));
            assertThat(signed.text()).isEqualTo("A");
            Message unsigned = r.messages().get(3);
            assertThat(unsigned.reasoning()).contains("Well.");
            assertThat(unsigned.content()).containsExactly(new ContentPart.Text("B"));
        }

        @Test
        void rejectsEmptyContentAsTheMessagesApiDoesExceptInAFinalAssistantTurn() {
            String nonEmpty = "all messages must have non-empty content except for the optional final assistant message";
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':''}]}").getMessage())
                    .isEqualTo("messages.0: " + nonEmpty);
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},"
                    + "{'role':'assistant','content':'A'},{'role':'user','content':[]}]}").getMessage())
                    .isEqualTo("messages.2: " + nonEmpty);
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},"
                    + "{'role':'assistant','content':''},{'role':'user','content':'again'}]}").getMessage())
                    .isEqualTo("messages.1: " + nonEmpty);
            GatewayException emptyText = rejects("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':["
                    + "{'type':'text','text':'hi'},{'type':'text','text':''}]}]}");
            assertThat(emptyText.getMessage()).isEqualTo("messages.0.content.1.text: text content blocks must be non-empty");
            assertThat(emptyText.param()).contains("messages.0.content.1.text");

            for (String finalTurn : List.of("''", "[]")) {
                ChatRequest prefill = AnthropicMessagesCodec.parseRequest(json("{'model':'m','max_tokens':5,'messages':["
                        + "{'role':'user','content':'hi'},{'role':'assistant','content':" + finalTurn + "}]}"));
                assertThat(prefill.messages().getLast().role()).isEqualTo(Role.ASSISTANT);
                assertThat(prefill.messages().getLast().text()).isEmpty();
            }
        }

        @Test
        void keepsWhatOnlyTheAnthropicUpstreamUses() {
            ChatRequest r = AnthropicMessagesCodec.parseRequest(json("""
                    {'model':'m','max_tokens':4096,'top_k':40,'thinking':{'type':'enabled','budget_tokens':2048},
                     'messages':[{'role':'user','content':[
                        {'type':'image','source':{'type':'url','url':'https://example.com/a.png'},'cache_control':{'type':'ephemeral'}},
                        {'type':'text','text':'Describe it.','cache_control':{'type':'ephemeral','ttl':'1h'}}]},
                       {'role':'assistant','content':[{'type':'tool_use','id':'toolu_1','name':'f','input':{}}]},
                       {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'boom',
                          'is_error':true,'cache_control':{'type':'ephemeral'}}]}],
                     'tools':[{'name':'f','input_schema':{'type':'object'},'cache_control':{'type':'ephemeral'}}]}
                    """));
            JsonNode ephemeral = json("{'type':'ephemeral'}");
            assertThat(r.topK()).hasValue(40);
            assertThat(r.thinking()).contains(json("{'type':'enabled','budget_tokens':2048}"));
            assertThat(r.messages().getFirst().content()).containsExactly(
                    new ContentPart.Image("https://example.com/a.png", Optional.empty(), Optional.of(ephemeral)),
                    new ContentPart.Text("Describe it.", Optional.of(json("{'type':'ephemeral','ttl':'1h'}"))));
            Message result = r.messages().getLast();
            assertThat(result.isError()).isTrue();
            assertThat(result.cacheControl()).contains(ephemeral);
            assertThat(r.tools().getFirst().cacheControl()).contains(ephemeral);
        }

        @Test
        void rejectsATopKThatIsNotANonNegativeInteger() {
            String user = ",'messages':[{'role':'user','content':'hi'}]}";
            assertThat(rejects("{'model':'m','max_tokens':5,'top_k':-1" + user).getMessage())
                    .isEqualTo("top_k: Input should be greater than or equal to 0");
            assertThat(rejects("{'model':'m','max_tokens':5,'top_k':2.5" + user).param()).contains("top_k");
            assertThat(rejects("{'model':'m','max_tokens':5,'top_k':'ten'" + user).getMessage())
                    .isEqualTo("top_k: Input should be a valid integer");
            assertThat(AnthropicMessagesCodec.parseRequest(json("{'model':'m','max_tokens':5,'top_k':0" + user)).topK())
                    .hasValue(0);
        }

        /** A whole number past int's range is too large (or small), not of the wrong type. */
        @Test
        void anIntegerOutOfRangeIsSaidToBeTooLargeNamingTheField() {
            String user = ",'messages':[{'role':'user','content':'hi'}]}";
            for (String big : List.of("3000000000", "1e20")) {
                GatewayException e = rejects("{'model':'m','max_tokens':" + big + user);
                assertThat(e.getMessage()).isEqualTo("max_tokens: Input should be less than or equal to 2147483647");
                assertThat(e.param()).contains("max_tokens");
                assertThat(rejects("{'model':'m','max_tokens':5,'top_k':" + big + user).getMessage())
                        .isEqualTo("top_k: Input should be less than or equal to 2147483647");
                assertThat(rejects("{'model':'m','max_tokens':4096,'thinking':{'type':'enabled','budget_tokens':" + big + "}" + user)
                        .getMessage()).isEqualTo("thinking.enabled.budget_tokens: Input should be less than or equal to 2147483647");
            }
            assertThat(rejects("{'model':'m','max_tokens':-3000000000" + user).getMessage())
                    .isEqualTo("max_tokens: Input should be greater than or equal to 1");
            assertThat(rejects("{'model':'m','max_tokens':2.5" + user).getMessage()).isEqualTo("max_tokens: Input should be a valid integer");
        }

        @Test
        void rejectsAMissingMaxTokens() {
            GatewayException e = rejects("{'model':'m','messages':[{'role':'user','content':'hi'}]}");
            assertThat(e.getMessage()).isEqualTo("max_tokens: Field required");
            assertThat(e.param()).contains("max_tokens");
        }

        @Test
        void rejectsMissingOrEmptyMessages() {
            assertThat(rejects("{'model':'m','max_tokens':5}").getMessage()).isEqualTo("messages: Field required");
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':[]}").getMessage())
                    .isEqualTo("messages: at least one message is required");
        }

        @Test
        void rejectsASystemRoleInsideMessagesAndPointsToTheSystemParameter() {
            GatewayException e = rejects("{'model':'m','max_tokens':5,'messages':[{'role':'system','content':'x'},"
                    + "{'role':'user','content':'hi'}]}");
            assertThat(e.getMessage()).contains("messages.0.role").contains("top-level `system` parameter");
        }

        @Test
        void rejectsWrongTypesNamingTheField() {
            assertThat(rejects("{'model':'m','max_tokens':'ten','messages':[{'role':'user','content':'hi'}]}").getMessage())
                    .isEqualTo("max_tokens: Input should be a valid integer");
            assertThat(rejects("{'model':'m','max_tokens':0,'messages':[{'role':'user','content':'hi'}]}").getMessage())
                    .contains("greater than or equal to 1");
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':{'role':'user'}}").getMessage())
                    .isEqualTo("messages: Input should be a valid list");
            assertThat(rejects("{'model':7,'max_tokens':5,'messages':[{'role':'user','content':'hi'}]}").getMessage())
                    .isEqualTo("model: Input should be a valid string");
            assertThat(rejects("{'model':'m','max_tokens':5,'temperature':'hot','messages':[{'role':'user','content':'hi'}]}")
                    .getMessage()).isEqualTo("temperature: Input should be a valid number");
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':42}]}").getMessage())
                    .startsWith("messages.0.content:");
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'tool_use',"
                    + "'id':'t','name':'f','input':{}}]}]}").getMessage()).contains("only allowed in assistant messages");
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':[{'role':'robot','content':'hi'}]}").getMessage())
                    .isEqualTo("messages.0.role: Input should be 'user' or 'assistant'");
            assertThat(rejects("{'model':'m','max_tokens':5,'stream':'yes','messages':[{'role':'user','content':'hi'}]}")
                    .getMessage()).isEqualTo("stream: Input should be a valid boolean");
            assertThat(rejects("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},{'role':'assistant',"
                    + "'content':[{'type':'text','text':'cited','citations':{'type':'char_location'}}]}]}").getMessage())
                    .isEqualTo("messages.1.content.0.citations: Input should be a valid list");
        }

        @Test
        void aForcedToolMustBeAmongTheTools() {
            assertThat(rejects("{'model':'m','max_tokens':5,'tool_choice':{'type':'any'},'messages':[{'role':'user','content':'hi'}]}")
                    .getMessage()).isEqualTo("tool_choice: a tool call is required, but no tools are given");
            assertThat(rejects("{'model':'m','max_tokens':5,'tools':[{'name':'f','input_schema':{'type':'object'}}],"
                    + "'tool_choice':{'type':'tool','name':'g'},'messages':[{'role':'user','content':'hi'}]}").param())
                    .contains("tool_choice");
        }

        @Test
        void boundsTheThinkingBudgetAsTheMessagesApiDoes() {
            String user = ",'messages':[{'role':'user','content':'hi'}]}";
            assertThat(rejects("{'model':'m','max_tokens':4000,'thinking':{'type':'enabled','budget_tokens':512}" + user)
                    .getMessage()).isEqualTo("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
            assertThat(rejects("{'model':'m','max_tokens':4000,'thinking':{'type':'enabled'}" + user).param())
                    .contains("thinking.budget_tokens");
            GatewayException over = rejects("{'model':'m','max_tokens':1024,'thinking':{'type':'enabled','budget_tokens':1024}" + user);
            assertThat(over.getMessage()).startsWith("`max_tokens` must be greater than `thinking.budget_tokens`");
            assertThat(over.param()).contains("max_tokens");

            assertThat(AnthropicMessagesCodec.parseRequest(json("{'model':'m','max_tokens':2048,"
                    + "'thinking':{'type':'enabled','budget_tokens':1024}" + user)).maxTokens()).hasValue(2048);
            assertThat(AnthropicMessagesCodec.parseRequest(json("{'model':'m','max_tokens':10,'thinking':{'type':'disabled'}" + user))
                    .maxTokens()).hasValue(10);
        }

        @Test
        void refusesServerToolsAsUnsupported() {
            assertThatThrownBy(() -> AnthropicMessagesCodec.parseRequest(json("{'model':'m','max_tokens':5,"
                    + "'messages':[{'role':'user','content':'hi'}],'tools':[{'type':'web_search_20250305','name':'web_search'}]}")))
                    .isInstanceOf(GatewayException.Unsupported.class).hasMessageContaining("server tools");
        }

        @Test
        void countsTokensWithoutRequiringMaxTokens() {
            TokenCounter tokens = new TokenCounter();
            JsonNode small = json("{'model':'m','messages':[{'role':'user','content':'Hello there'}]}");
            JsonNode large = json("{'model':'m','system':'You answer questions about the solar system in detail.',"
                    + "'messages':[{'role':'user','content':'Hello there, how far is Mars from the Sun on average?'}]}");
            ObjectNode answer = AnthropicMessagesCodec.countTokens(small, tokens);
            assertThat(answer.fieldNames()).toIterable().containsExactly("input_tokens");
            assertThat(answer.get("input_tokens").asInt())
                    .isEqualTo(tokens.countPrompt(AnthropicMessagesCodec.parseCountTokensRequest(small)));
            assertThat(AnthropicMessagesCodec.countTokens(large, tokens).get("input_tokens").asInt())
                    .isGreaterThan(answer.get("input_tokens").asInt());
        }
    }

    @Nested
    class Responses {
        @Test
        void writesAMessageWithThinkingTextToolUseAndCacheUsage() {
            Message m = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Let me look.")), true, Optional.empty(),
                    List.of(new ToolCall("call_1", "lookup", "{\"q\":\"x\"}")), Optional.empty(), Optional.of("Think."),
                    Optional.empty());
            ChatResponse r = new ChatResponse("msg_1", 1L, "claude-x", List.of(new Choice(0, m,
                    Optional.of(FinishReason.TOOL_CALLS), Optional.empty())), Optional.of(new Usage(1000, 20, 700, 200, 0)),
                    Optional.empty(), Optional.empty());
            assertThat(AnthropicMessagesCodec.writeResponse(r)).isEqualTo(json("""
                    {'id':'msg_1','type':'message','role':'assistant','model':'claude-x',
                     'content':[{'type':'thinking','thinking':'Think.','signature':''},
                                {'type':'text','text':'Let me look.'},
                                {'type':'tool_use','id':'call_1','name':'lookup','input':{'q':'x'}}],
                     'stop_reason':'tool_use','stop_sequence':null,
                     'usage':{'input_tokens':100,'cache_creation_input_tokens':200,'cache_read_input_tokens':700,
                              'output_tokens':20}}
                    """));
        }

        @Test
        void givesBackAnthropicsThinkingBlocksWithTheirSignaturesInOrder() {
            Message m = new Message(Role.ASSISTANT, List.of(new ContentPart.Thinking("Think.", "EqQB"),
                    new ContentPart.RedactedThinking("EmwK"), new ContentPart.Text("Done.")), true, Optional.empty(),
                    List.of(), Optional.empty(), Optional.of("Think."), Optional.empty());
            ChatResponse r = new ChatResponse("msg_1", 1L, "claude-x", List.of(new Choice(0, m,
                    Optional.of(FinishReason.STOP), Optional.empty())), Optional.empty(), Optional.empty(), Optional.empty());
            assertThat(AnthropicMessagesCodec.writeResponse(r).get("content")).isEqualTo(json("""
                    [{'type':'thinking','thinking':'Think.','signature':'EqQB'},
                     {'type':'redacted_thinking','data':'EmwK'},
                     {'type':'text','text':'Done.'}]
                    """));
        }

        @Test
        void mapsFinishReasonsToStopReasons() {
            assertThat(AnthropicMessagesCodec.stopReason(Optional.of(FinishReason.STOP), false, Optional.empty())).isEqualTo("end_turn");
            assertThat(AnthropicMessagesCodec.stopReason(Optional.empty(), false, Optional.empty())).isEqualTo("end_turn");
            assertThat(AnthropicMessagesCodec.stopReason(Optional.of(FinishReason.LENGTH), false, Optional.empty())).isEqualTo("max_tokens");
            assertThat(AnthropicMessagesCodec.stopReason(Optional.of(FinishReason.TOOL_CALLS), true, Optional.empty())).isEqualTo("tool_use");
            assertThat(AnthropicMessagesCodec.stopReason(Optional.of(FinishReason.CONTENT_FILTER), false, Optional.empty())).isEqualTo("refusal");
            // OpenAI answers a forced tool call with finish_reason "stop".
            assertThat(AnthropicMessagesCodec.stopReason(Optional.of(FinishReason.STOP), true, Optional.empty())).isEqualTo("tool_use");
            assertThat(AnthropicMessagesCodec.stopReason(Optional.of(FinishReason.LENGTH), true, Optional.empty())).isEqualTo("max_tokens");
            assertThat(AnthropicMessagesCodec.stopReason(Optional.of(FinishReason.STOP), false, Optional.of("###")))
                    .isEqualTo("stop_sequence");
        }

        @Test
        void namesTheStopSequenceThatEndedTheAnswer() {
            ChatResponse r = new ChatResponse("msg_2", 1L, "m", List.of(new Choice(0, Message.assistant("1, 2, 3"),
                    Optional.of(FinishReason.STOP), Optional.empty(), Optional.of("4"))), Optional.of(Usage.of(5, 3)),
                    Optional.empty(), Optional.empty());
            ObjectNode written = AnthropicMessagesCodec.writeResponse(r);
            assertThat(written.get("stop_reason").asText()).isEqualTo("stop_sequence");
            assertThat(written.get("stop_sequence").asText()).isEqualTo("4");
        }

        @Test
        void refusesToolArgumentsThatAreNotAnObject() {
            Message m = new Message(Role.ASSISTANT, List.of(), true, Optional.empty(), List.of(new ToolCall("c", "f", "{\"a\":")),
                    Optional.empty(), Optional.empty(), Optional.empty());
            ChatResponse r = new ChatResponse("id", 1L, "m", List.of(new Choice(0, m, Optional.of(FinishReason.TOOL_CALLS),
                    Optional.empty())), Optional.empty(), Optional.empty(), Optional.empty());
            assertThatThrownBy(() -> AnthropicMessagesCodec.writeResponse(r)).isInstanceOf(GatewayException.UpstreamError.class);
        }
    }

    @Nested
    class Errors {
        private void maps(GatewayException e, int status, String type) {
            assertThat(AnthropicMessagesCodec.status(e)).isEqualTo(status);
            ObjectNode body = AnthropicMessagesCodec.writeError(e);
            assertThat(body.get("type").asText()).isEqualTo("error");
            assertThat(body.get("error").get("type").asText()).isEqualTo(type);
            assertThat(body.get("error").get("message").asText()).isEqualTo(e.getMessage());
        }

        @Test
        void mapsEveryGatewayErrorToAnthropicsTypeAndStatus() {
            maps(new GatewayException.BadRequest("bad", "x"), 400, "invalid_request_error");
            maps(new GatewayException.ContextWindowExceeded("too long"), 400, "invalid_request_error");
            maps(new GatewayException.ContentFiltered("no"), 400, "invalid_request_error");
            maps(new GatewayException.Unsupported("nope", "n"), 400, "invalid_request_error");
            maps(new GatewayException.AuthenticationFailed("who"), 401, "authentication_error");
            maps(new GatewayException.PermissionDenied("forbidden"), 403, "permission_error");
            maps(GatewayException.NotFound.model("ghost"), 404, "not_found_error");
            maps(new GatewayException.PayloadTooLarge("big"), 413, "request_too_large");
            maps(new GatewayException.RateLimited("slow", Duration.ofMillis(1500)), 429, "rate_limit_error");
            maps(new GatewayException.Overloaded("busy", null), 529, "overloaded_error");
            maps(new GatewayException.UpstreamError("boom", 500, null), 502, "api_error");
            maps(new GatewayException.ConnectionFailed("reset", null), 502, "api_error");
            maps(new GatewayException.UpstreamTimeout("slow"), 504, "timeout_error");
            maps(new GatewayException.Internal("bug", null), 500, "api_error");
        }

        @Test
        void roundsRetryAfterUpToWholeSeconds() {
            assertThat(AnthropicMessagesCodec.retryAfterSeconds(new GatewayException.RateLimited("x", Duration.ofMillis(1500))))
                    .hasValue(2);
            // From the exact wait, not its milliseconds: half a microsecond over 6 s is 7 s, or the client comes back early.
            assertThat(AnthropicMessagesCodec.retryAfterSeconds(new GatewayException.RateLimited("x",
                    Duration.ofSeconds(6).plusNanos(500)))).hasValue(7);
            assertThat(AnthropicMessagesCodec.retryAfterSeconds(new GatewayException.RateLimited("x", Duration.ZERO)))
                    .hasValue(1);
            assertThat(AnthropicMessagesCodec.retryAfterSeconds(new GatewayException.BadRequest("x", null))).isEmpty();
        }
    }

    @Test
    void writesModelsInAnthropicsListShape() {
        ObjectNode list = AnthropicMessagesCodec.modelList(List.of(
                AnthropicMessagesCodec.modelItem("claude-fast", "Claude fast", Instant.parse("2025-02-19T00:00:00Z")),
                AnthropicMessagesCodec.modelItem("switchboard/auto", "switchboard/auto", Instant.EPOCH,
                        java.util.OptionalInt.of(200000), java.util.OptionalInt.of(8192))));
        assertThat(list).isEqualTo(json("""
                {'data':[{'type':'model','id':'claude-fast','display_name':'Claude fast','created_at':'2025-02-19T00:00:00Z',
                          'lifecycle':'active'},
                         {'type':'model','id':'switchboard/auto','display_name':'switchboard/auto','created_at':'1970-01-01T00:00:00Z',
                          'lifecycle':'active','max_input_tokens':200000,'max_tokens':8192}],
                 'has_more':false,'first_id':'claude-fast','last_id':'switchboard/auto'}
                """));
    }

    @Test
    void pagesTheModelListAsAnthropicDoes() {
        List<ObjectNode> models = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> AnthropicMessagesCodec.modelItem("m" + i, "m" + i, Instant.EPOCH)).toList();
        java.util.function.Function<ObjectNode, List<String>> ids = page -> java.util.stream.StreamSupport
                .stream(page.get("data").spliterator(), false).map(m -> m.get("id").asText()).toList();
        ObjectNode first = AnthropicMessagesCodec.modelPage(models, Optional.empty(), Optional.empty(), 2);
        assertThat(ids.apply(first)).containsExactly("m0", "m1");
        assertThat(first.get("has_more").asBoolean()).isTrue();
        assertThat(first.get("last_id").asText()).isEqualTo("m1");
        ObjectNode last = AnthropicMessagesCodec.modelPage(models, Optional.of("m2"), Optional.empty(), 2);
        assertThat(ids.apply(last)).containsExactly("m3", "m4");
        assertThat(last.get("has_more").asBoolean()).isFalse();
        ObjectNode before = AnthropicMessagesCodec.modelPage(models, Optional.empty(), Optional.of("m3"), 2);
        assertThat(ids.apply(before)).containsExactly("m1", "m2");
        assertThat(before.get("has_more").asBoolean()).isTrue();
        assertThatThrownBy(() -> AnthropicMessagesCodec.modelPage(models, Optional.of("nope"), Optional.empty(), 2))
                .isInstanceOf(GatewayException.BadRequest.class).hasMessageContaining("after_id");
    }
}
