package dev.switchboard.providers.anthropic;

import static dev.switchboard.providers.anthropic.AnthropicFixtures.bytes;
import static dev.switchboard.providers.anthropic.AnthropicFixtures.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AnthropicAdapterContractTest {
    private final AnthropicAdapter adapter = new AnthropicAdapter(AnthropicFixtures.FIXED_TIME);

    private static JsonNode body(WireRequest request) throws Exception {
        return Json.MAPPER.readTree(request.body());
    }

    private static ChatRequest.Builder simple() {
        return ChatRequest.builder("claude").message(Message.user("Hello"));
    }

    @Nested
    class Requests {
        @Test
        void translatesAFullConversationToTheMessagesApiShape() throws Exception {
            JsonNode weatherSchema = Json.MAPPER.readTree(
                    "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}");
            JsonNode timeSchema = Json.MAPPER.readTree("{\"type\":\"object\",\"properties\":{\"timezone\":{\"type\":\"string\"}}}");
            Message userWithImages = new Message(Role.USER, List.of(
                    new ContentPart.Text("What's the weather here, and the time in New York?"),
                    new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", Optional.empty()),
                    new ContentPart.Image("https://example.com/map.jpg", Optional.of("high"))), false, Optional.empty(),
                    List.of(), Optional.empty(), Optional.empty(), Optional.empty());
            Message assistantCalls = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Let me check.")), true,
                    Optional.empty(), List.of(new ToolCall("toolu_01", "get_weather", "{\"location\":\"San Francisco, CA\"}"),
                            new ToolCall("toolu_02", "get_time", "{\"timezone\": \"America/New_York\"}")),
                    Optional.empty(), Optional.of("unsigned reasoning is dropped"), Optional.empty());
            ChatRequest request = ChatRequest.builder("claude")
                    .message(Message.system("You are a weather assistant."))
                    .message(Message.of(Role.DEVELOPER, "Answer in Celsius."))
                    .message(userWithImages)
                    .message(assistantCalls)
                    .message(Message.toolResult("toolu_01", "18°C, sunny"))
                    .message(Message.toolResult("toolu_02", "09:30"))
                    .message(Message.user("Thanks! And tomorrow?"))
                    .tool(new Tool("get_weather", Optional.of("Current weather for a place"), weatherSchema, Optional.empty()))
                    .tool(new Tool("get_time", Optional.empty(), timeSchema, Optional.empty()))
                    .toolChoice(new ToolChoice.Named("get_weather"))
                    .parallelToolCalls(false)
                    .stop(List.of("\n\nHuman:"))
                    .temperature(0.2)
                    .topP(0.9)
                    .user("user-42")
                    .build();
            ObjectNode params = Json.object().put("top_k", 40);
            WireRequest wire = adapter.toWire(request,
                    deployment(Map.of("anthropic-beta", "token-efficient-tools-2025-02-19"), params, 1024));

            assertThat(body(wire)).isEqualTo(Json.MAPPER.readTree(bytes("request-full.expected.json")));
            assertThat(wire.method()).isEqualTo("POST");
            assertThat(wire.uri()).isEqualTo(URI.create("https://api.anthropic.com/v1/messages"));
            assertThat(wire.headers().first("x-api-key")).contains("sk-ant-test-key");
            assertThat(wire.headers().first("anthropic-version")).contains("2023-06-01");
            assertThat(wire.headers().first("anthropic-beta")).contains("token-efficient-tools-2025-02-19");
            assertThat(wire.headers().first("content-type")).contains("application/json");
        }

        /** A call goes where its place says, with its cache breakpoint; calls without a place (OpenAI-shaped history) follow the text. */
        @Test
        void sendsEachToolCallInItsPlaceAndThoseWithoutOneAfterTheText() throws Exception {
            Message answer = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Checking."),
                    new ContentPart.ToolUse(1, Optional.of(Json.object().put("type", "ephemeral")))), true, Optional.empty(),
                    List.of(new ToolCall("toolu_1", "a", "{}"), new ToolCall("toolu_2", "b", "{}"), new ToolCall("toolu_3", "c", "{}")),
                    Optional.empty(), Optional.empty(), Optional.empty());
            JsonNode turn = body(adapter.toWire(simple().message(answer).message(Message.user("go on")).build(), deployment()))
                    .at("/messages/1/content");
            assertThat(turn).extracting(b -> b.get("type").asText()).containsExactly("text", "tool_use", "tool_use", "tool_use");
            assertThat(turn.findValuesAsText("id")).containsExactly("toolu_2", "toolu_1", "toolu_3");
            assertThat(turn.get(1).get("cache_control")).isEqualTo(Json.object().put("type", "ephemeral"));
            assertThat(turn.get(2).has("cache_control")).isFalse();
        }

        @Test
        void sendsASingleSystemMessageAsAString() throws Exception {
            ChatRequest request = ChatRequest.builder("claude").message(Message.system("Be brief."))
                    .message(Message.user("Hi")).build();
            JsonNode body = body(adapter.toWire(request, deployment()));
            assertThat(body.get("system").isTextual()).isTrue();
            assertThat(body.get("system").asText()).isEqualTo("Be brief.");
            assertThat(body.has("tools")).isFalse();
            assertThat(body.has("tool_choice")).isFalse();
            assertThat(body.has("stop_sequences")).isFalse();
            assertThat(body.has("temperature")).isFalse();
        }

        @Test
        void sendsTopPOnlyWhenNoTemperatureIsSet() throws Exception {
            JsonNode both = body(adapter.toWire(simple().temperature(0.7).topP(0.9).build(), deployment()));
            assertThat(both.get("temperature").asDouble()).isEqualTo(0.7);
            assertThat(both.has("top_p")).isFalse();
            JsonNode onlyTopP = body(adapter.toWire(simple().topP(0.9).build(), deployment()));
            assertThat(onlyTopP.get("top_p").asDouble()).isEqualTo(0.9);
        }

        @Test
        void fillsMaxTokensFromTheDeploymentWhenTheRequestHasNone() throws Exception {
            assertThat(body(adapter.toWire(simple().build(), deployment())).get("max_tokens").asInt()).isEqualTo(4096);
            assertThat(body(adapter.toWire(simple().maxTokens(77).build(), deployment())).get("max_tokens").asInt())
                    .isEqualTo(77);
        }

        @Test
        void mapsEveryToolChoice() throws Exception {
            JsonNode schema = Json.object().put("type", "object");
            ChatRequest.Builder withTool = simple().tool(new Tool("f", Optional.empty(), schema, Optional.empty()));
            assertThat(body(adapter.toWire(withTool.toolChoice(new ToolChoice.Auto()).build(), deployment()))
                    .get("tool_choice")).isEqualTo(Json.object().put("type", "auto"));
            assertThat(body(adapter.toWire(withTool.toolChoice(new ToolChoice.Required()).build(), deployment()))
                    .get("tool_choice")).isEqualTo(Json.object().put("type", "any"));
            assertThat(body(adapter.toWire(withTool.toolChoice(new ToolChoice.None()).build(), deployment()))
                    .get("tool_choice")).isEqualTo(Json.object().put("type", "none"));
            assertThat(body(adapter.toWire(withTool.toolChoice(new ToolChoice.Named("f")).build(), deployment()))
                    .get("tool_choice")).isEqualTo(Json.object().put("type", "tool").put("name", "f"));
            ChatRequest noParallel = simple().tool(new Tool("f", Optional.empty(), schema, Optional.empty()))
                    .parallelToolCalls(false).build();
            assertThat(body(adapter.toWire(noParallel, deployment())).get("tool_choice"))
                    .isEqualTo(Json.object().put("type", "auto").put("disable_parallel_tool_use", true));
        }

        @Test
        void sendsSignedThinkingBlocksFirstInTheAssistantTurn() throws Exception {
            ObjectNode thinking = Json.object().put("type", "thinking").put("thinking", "Let me think.")
                    .put("signature", "EqQBCgIYAhIM");
            Message assistant = new Message(Role.ASSISTANT, List.of(new ContentPart.Other("thinking", thinking)), false,
                    Optional.empty(), List.of(new ToolCall("toolu_9", "f", "{}")), Optional.empty(),
                    Optional.of("Let me think."), Optional.empty());
            ChatRequest request = simple().message(assistant).message(Message.toolResult("toolu_9", "done")).build();
            JsonNode turn = body(adapter.toWire(request, deployment())).get("messages").get(1);
            assertThat(turn.get("content").get(0)).isEqualTo(thinking);
            assertThat(turn.get("content").get(1).get("type").asText()).isEqualTo("tool_use");
        }

        @Test
        void sendsDeploymentThinkingUnlessAToolTurnLacksItsSignedThinking() throws Exception {
            ObjectNode params = Json.object();
            params.putObject("thinking").put("type", "enabled").put("budget_tokens", 1024);
            var thinkingDeployment = deployment(Map.of(), params, 4096);
            assertThat(body(adapter.toWire(simple().build(), thinkingDeployment)).get("thinking"))
                    .isEqualTo(params.get("thinking"));

            Message unsignedToolTurn = new Message(Role.ASSISTANT, List.of(), true, Optional.empty(),
                    List.of(new ToolCall("toolu_1", "f", "{}")), Optional.empty(), Optional.of("reasoning from elsewhere"),
                    Optional.empty());
            ChatRequest loop = simple().message(unsignedToolTurn).message(Message.toolResult("toolu_1", "ok")).build();
            assertThat(body(adapter.toWire(loop, thinkingDeployment)).has("thinking")).isFalse();

            ObjectNode signed = Json.object().put("type", "thinking").put("thinking", "t").put("signature", "sig");
            Message signedToolTurn = new Message(Role.ASSISTANT, List.of(new ContentPart.Other("thinking", signed)), false,
                    Optional.empty(), List.of(new ToolCall("toolu_1", "f", "{}")), Optional.empty(), Optional.of("t"),
                    Optional.empty());
            ChatRequest signedLoop = simple().message(signedToolTurn).message(Message.toolResult("toolu_1", "ok")).build();
            assertThat(body(adapter.toWire(signedLoop, thinkingDeployment)).has("thinking")).isTrue();
        }

        @Test
        void aClientsThinkingAndTopKWinOverTheDeployments() throws Exception {
            ObjectNode params = Json.object().put("top_k", 10);
            params.putObject("thinking").put("type", "enabled").put("budget_tokens", 1024);
            var configured = deployment(Map.of(), params, 8192);
            JsonNode clientThinking = Json.object().put("type", "enabled").put("budget_tokens", 4096);
            ChatRequest request = simple().maxTokens(8192).thinking(clientThinking).topK(java.util.OptionalInt.of(3)).build();
            JsonNode body = body(adapter.toWire(request, configured));
            assertThat(body.get("thinking")).isEqualTo(clientThinking);
            assertThat(body.get("top_k").asInt()).isEqualTo(3);
            assertThat(body(adapter.toWire(simple().build(), configured)).get("top_k").asInt()).isEqualTo(10);
        }

        @Test
        void sendsAFailedToolResultWithIsErrorAndAnOkOneWithout() throws Exception {
            Message failed = new Message(Role.TOOL, List.of(new ContentPart.Text("timeout")), true, Optional.empty(),
                    List.of(), Optional.of("toolu_1"), Optional.empty(), Optional.empty(), true, Optional.empty());
            Message assistant = new Message(Role.ASSISTANT, List.of(), true, Optional.empty(),
                    List.of(new ToolCall("toolu_1", "f", "{}"), new ToolCall("toolu_2", "f", "{}")), Optional.empty(),
                    Optional.empty(), Optional.empty());
            ChatRequest request = simple().message(assistant).message(failed).message(Message.toolResult("toolu_2", "ok"))
                    .build();
            JsonNode results = body(adapter.toWire(request, deployment())).get("messages").get(2).get("content");
            assertThat(results.get(0)).isEqualTo(Json.MAPPER.readTree(
                    "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"timeout\",\"is_error\":true}"));
            assertThat(results.get(1).has("is_error")).isFalse();
        }

        @Test
        void asksForAutomaticPromptCachingWhenTheDeploymentSaysSo() throws Exception {
            ObjectNode params = Json.object();
            params.putObject("cache_control").put("type", "ephemeral");
            assertThat(body(adapter.toWire(simple().build(), deployment(Map.of(), params, 4096))).get("cache_control"))
                    .isEqualTo(Json.object().put("type", "ephemeral"));
            assertThat(body(adapter.toWire(simple().build(), deployment())).has("cache_control")).isFalse();
        }

        @Test
        void asksForJsonSchemaOutputThroughTheSystemPrompt() throws Exception {
            JsonNode schema = Json.MAPPER.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
            ChatRequest request = simple().responseFormat(new ResponseFormat.JsonSchema("place", schema, Optional.of(true),
                    Optional.empty())).build();
            String system = body(adapter.toWire(request, deployment())).get("system").asText();
            assertThat(system).contains("JSON Schema").contains("\"city\"").contains("place");
        }

        @Test
        void appendsMessagesToAnApiBaseThatAlreadyEndsInV1() {
            assertThat(AnthropicAdapter.messagesUri(Optional.of(URI.create("http://127.0.0.1:9000/v1/"))))
                    .isEqualTo(URI.create("http://127.0.0.1:9000/v1/messages"));
            assertThat(AnthropicAdapter.messagesUri(Optional.empty()))
                    .isEqualTo(URI.create("https://api.anthropic.com/v1/messages"));
        }

        @Test
        void keepsAQueryOnTheApiBaseAfterTheMessagesPath() {
            assertThat(AnthropicAdapter.messagesUri(Optional.of(URI.create("https://proxy.example.com/v1/?tenant=a%20b#top"))))
                    .isEqualTo(URI.create("https://proxy.example.com/v1/messages?tenant=a%20b"));
            assertThat(AnthropicAdapter.messagesUri(Optional.of(URI.create("https://proxy.example.com?tenant=7"))))
                    .isEqualTo(URI.create("https://proxy.example.com/v1/messages?tenant=7"));
            assertThat(AnthropicAdapter.messagesUri(Optional.of(URI.create("https://proxy.example.com/v1/messages?tenant=7"))))
                    .isEqualTo(URI.create("https://proxy.example.com/v1/messages?tenant=7"));
        }

        @Test
        void refusesWhatTheMessagesApiCannotDo() {
            assertThatThrownBy(() -> adapter.toWire(simple().n(2).build(), deployment()))
                    .isInstanceOf(GatewayException.Unsupported.class);
            assertThatThrownBy(() -> adapter.toWire(simple().logprobs(true).build(), deployment()))
                    .isInstanceOf(GatewayException.Unsupported.class);
            Message badArgs = new Message(Role.ASSISTANT, List.of(), true, Optional.empty(),
                    List.of(new ToolCall("t", "f", "[1,2]")), Optional.empty(), Optional.empty(), Optional.empty());
            assertThatThrownBy(() -> adapter.toWire(simple().message(badArgs).build(), deployment()))
                    .isInstanceOf(GatewayException.BadRequest.class).hasMessageContaining("JSON object");
            // Dropping an empty last user turn would make the answer before it a prefill for the model to continue.
            ChatRequest emptyLastTurn = ChatRequest.builder("claude").message(Message.user("a"))
                    .message(Message.assistant("b")).message(Message.user("")).build();
            assertThatThrownBy(() -> adapter.toWire(emptyLastTurn, deployment()))
                    .isInstanceOf(GatewayException.BadRequest.class).hasMessageContaining("user message is empty");
        }
    }

    @Nested
    class Responses {
        private ChatResponse parse(String fixture) {
            return adapter.fromWire(new WireResponse(200, WireHeaders.EMPTY, bytes(fixture)), simple().build());
        }

        @Test
        void readsAPlainTextAnswer() {
            ChatResponse r = parse("response-text.json");
            assertThat(r.id()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
            assertThat(r.model()).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(r.text()).isEqualTo("Hi! My name is Claude.");
            assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.STOP);
            assertThat(r.usage()).contains(new Usage(2095, 503, 0, 0, 0));
            assertThat(r.created()).isEqualTo(1_763_880_000L);
        }

        @Test
        void readsToolUseBlocksAsToolCallsWithJsonArguments() throws Exception {
            ChatResponse r = parse("response-tool-use.json");
            Message m = r.choices().getFirst().message();
            assertThat(m.text()).isEqualTo("I'll check the weather in both cities.");
            assertThat(m.toolCalls()).extracting(ToolCall::id, ToolCall::name)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("toolu_01A09q90qw90lq917835lq9", "get_weather"),
                            org.assertj.core.groups.Tuple.tuple("toolu_01B7yh2s8fJ3kzvd8Q1pWx3M", "get_time"));
            assertThat(Json.MAPPER.readTree(m.toolCalls().getFirst().arguments()))
                    .isEqualTo(Json.MAPPER.readTree("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
            assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.TOOL_CALLS);
            assertThat(r.usage()).contains(new Usage(472, 91, 0, 0, 0));
        }

        /** Each text block stays a part and each call keeps its place; an OpenAI client gets the text joined, as streamed. */
        @Test
        void readsEachTextBlockAsAPartAndMarksWhereEachToolCallSits() {
            ChatResponse r = parse("response-text-blocks.json");
            Message m = r.choices().getFirst().message();
            assertThat(m.content()).containsExactly(new ContentPart.Text("According to the document, "),
                    new ContentPart.Text("the grass is green"), new ContentPart.Text(". I'll check today's weather as well."),
                    new ContentPart.ToolUse(0, Optional.empty()), new ContentPart.Text("Checking now."));
            assertThat(m.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");
            String joined = "According to the document, the grass is green. I'll check today's weather as well.Checking now.";
            assertThat(r.text()).isEqualTo(joined);
            assertThat(dev.switchboard.core.wire.Json.parseUpstream(dev.switchboard.core.wire.OpenAiCodec.writeChatResponse(r, null), "test")
                    .at("/choices/0/message/content").asText())
                    .isEqualTo(joined);
        }

        @Test
        void readsThinkingAsReasoningAndKeepsSignedAndRedactedThinkingToSendBack() throws Exception {
            Message m = parse("response-thinking.json").choices().getFirst().message();
            String thinking = "To find 27 * 453, I multiply 27 by 400 and by 53 and add: 10800 + 1431 = 12231.";
            assertThat(m.reasoning()).contains(thinking);
            assertThat(m.text()).isEqualTo("27 * 453 = 12,231");
            assertThat(m.content()).containsExactly(
                    new ContentPart.Thinking(thinking, "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"),
                    new ContentPart.RedactedThinking("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"),
                    new ContentPart.Text("27 * 453 = 12,231"));

            // The answer, sent back as history, gives Anthropic its blocks unchanged and first in the turn.
            ChatRequest next = simple().message(m).message(Message.user("And 27 * 454?")).build();
            JsonNode turn = body(adapter.toWire(next, deployment())).get("messages").get(1);
            assertThat(turn.get("content").get(0).get("signature").asText()).startsWith("EqQB");
            assertThat(turn.get("content").get(1).get("data").asText()).startsWith("EmwK");
        }

        @Test
        void countsCacheReadsAndWritesIntoPromptTokensAndReportsThemApart() {
            ChatResponse r = parse("response-cache-usage.json");
            Usage u = r.usage().orElseThrow();
            assertThat(u.promptTokens()).isEqualTo(21 + 188_086 + 4_350);
            assertThat(u.cachedPromptTokens()).isEqualTo(4_350);
            assertThat(u.cacheWriteTokens()).isEqualTo(188_086);
            assertThat(u.completionTokens()).isEqualTo(393);
            assertThat(r.choices().getFirst().finishReason()).contains(FinishReason.LENGTH);
        }

        @Test
        void mapsRefusalToContentFilterAndStopSequenceToStop() {
            assertThat(parse("response-refusal.json").choices().getFirst().finishReason())
                    .contains(FinishReason.CONTENT_FILTER);
            assertThat(parse("response-stop-sequence.json").choices().getFirst().finishReason()).contains(FinishReason.STOP);
            assertThat(parse("response-stop-sequence.json").choices().getFirst().stopSequence()).contains("5");
            assertThat(parse("response-text.json").choices().getFirst().stopSequence()).isEmpty();
        }

        @Test
        void skipsBlockTypesItDoesNotModel() {
            String body = "{\"id\":\"msg_ws\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
                    + "\"content\":[{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\","
                    + "\"input\":{\"query\":\"x\"}},{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\","
                    + "\"content\":[]},{\"type\":\"text\",\"text\":\"Found it.\"}],\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":3}}";
            ChatResponse r = adapter.fromWire(new WireResponse(200, WireHeaders.EMPTY, body.getBytes()), simple().build());
            assertThat(r.text()).isEqualTo("Found it.");
            assertThat(r.choices().getFirst().message().toolCalls()).isEmpty();
        }

        @Test
        void treatsAMalformedBodyAsARetryableUpstreamError() {
            assertThatThrownBy(() -> adapter.fromWire(new WireResponse(200, WireHeaders.EMPTY, "<html>".getBytes()),
                    simple().build())).isInstanceOf(GatewayException.UpstreamError.class);
        }
    }

    @Nested
    class Errors {
        private GatewayException map(int status, String fixture, WireHeaders headers) {
            return adapter.mapError(status, headers, bytes("errors/" + fixture));
        }

        @Test
        void mapsInvalidRequestToBadRequest() {
            GatewayException e = map(400, "invalid-request.json", WireHeaders.EMPTY);
            assertThat(e).isInstanceOf(GatewayException.BadRequest.class);
            assertThat(e.getMessage()).contains("at least one message is required");
            assertThat(e.status()).isEqualTo(400);
        }

        @Test
        void mapsPromptTooLongToContextWindowExceeded() {
            assertThat(map(400, "prompt-too-long.json", WireHeaders.EMPTY))
                    .isInstanceOf(GatewayException.ContextWindowExceeded.class);
            assertThat(map(400, "context-limit.json", WireHeaders.EMPTY))
                    .isInstanceOf(GatewayException.ContextWindowExceeded.class);
        }

        @Test
        void mapsAuthPermissionAndNotFoundToFatalErrors() {
            assertThat(map(401, "authentication.json", WireHeaders.EMPTY))
                    .isInstanceOf(GatewayException.AuthenticationFailed.class);
            assertThat(map(403, "permission.json", WireHeaders.EMPTY)).isInstanceOf(GatewayException.PermissionDenied.class);
            GatewayException notFound = map(404, "not-found.json", WireHeaders.EMPTY);
            assertThat(notFound).isInstanceOf(GatewayException.NotFound.class);
            assertThat(notFound.retryable()).isFalse();
        }

        @Test
        void mapsRequestTooLargeToPayloadTooLarge() {
            assertThat(map(413, "request-too-large.json", WireHeaders.EMPTY))
                    .isInstanceOf(GatewayException.PayloadTooLarge.class);
        }

        @Test
        void mapsRateLimitWithItsRetryAfter() {
            GatewayException e = map(429, "rate-limit.json", WireHeaders.of("retry-after", "17"));
            assertThat(e).isInstanceOf(GatewayException.RateLimited.class);
            assertThat(((GatewayException.RateLimited) e).retryAfter()).contains(Duration.ofSeconds(17));
        }

        @Test
        void readsAnHttpDateRetryAfterAgainstTheInjectedClock() {
            GatewayException e = map(429, "rate-limit.json", WireHeaders.of("retry-after", "Sun, 23 Nov 2025 06:40:30 GMT"));
            assertThat(((GatewayException.RateLimited) e).retryAfter()).contains(Duration.ofSeconds(30));
        }

        @Test
        void waitsForTheRateLimitResetOfTheBudgetThatRanOutWhenThereIsNoRetryAfter() {
            GatewayException e = map(429, "rate-limit.json", WireHeaders.of(
                    "anthropic-ratelimit-requests-remaining", "12", "anthropic-ratelimit-requests-reset", "2025-11-23T06:40:05Z",
                    "anthropic-ratelimit-tokens-remaining", "0", "anthropic-ratelimit-tokens-reset", "2025-11-23T06:40:20Z"));
            assertThat(((GatewayException.RateLimited) e).retryAfter()).contains(Duration.ofSeconds(20));
        }

        @Test
        void mapsApiErrorAndBillingToRetryableUpstreamErrors() {
            GatewayException api = map(500, "api-error.json", WireHeaders.EMPTY);
            assertThat(api).isInstanceOf(GatewayException.UpstreamError.class);
            assertThat(((GatewayException.UpstreamError) api).upstreamStatus()).isEqualTo(500);
            assertThat(map(402, "billing.json", WireHeaders.EMPTY)).isInstanceOf(GatewayException.UpstreamError.class);
        }

        @Test
        void mapsOverloadedWithItsRetryAfter() {
            GatewayException e = map(529, "overloaded.json", WireHeaders.of("Retry-After", "3"));
            assertThat(e).isInstanceOf(GatewayException.Overloaded.class);
            assertThat(((GatewayException.Overloaded) e).retryAfter()).contains(Duration.ofSeconds(3));
        }

        @Test
        void fallsBackOnTheStatusWhenTheBodyIsNotAnthropicJson() {
            GatewayException e = adapter.mapError(529, WireHeaders.EMPTY, "<html>busy</html>".getBytes());
            assertThat(e).isInstanceOf(GatewayException.Overloaded.class);
            assertThat(e.getMessage()).contains("529");
            assertThat(adapter.mapError(503, WireHeaders.EMPTY, new byte[0]))
                    .isInstanceOf(GatewayException.UpstreamError.class);
        }
    }
}
