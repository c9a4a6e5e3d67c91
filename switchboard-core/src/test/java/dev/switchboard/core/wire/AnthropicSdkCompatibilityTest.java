package dev.switchboard.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.JsonValue;
import com.anthropic.core.ObjectMappers;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.ErrorResponse;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.anthropic.models.models.ModelInfo;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The official anthropic-java SDK's own model classes read what the codec and the stream encoder write, and
 * the codec reads the bodies the SDK sends. {@code validate()} fails on any missing required field or wrong type.
 */
class AnthropicSdkCompatibilityTest {
    private static final JsonMapper SDK = ObjectMappers.jsonMapper();
    private static final TokenCounter TOKENS = new TokenCounter();

    @Test
    void readsTheBodyTheSdkSendsForAToolConversation() throws Exception {
        MessageCreateParams params = MessageCreateParams.builder()
                .model("claude-sonnet-4-5")
                .maxTokens(300)
                .systemOfTextBlockParams(List.of(TextBlockParam.builder().text("You are terse.").build()))
                .addUserMessage("Weather in Paris?")
                .addAssistantMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofText(TextBlockParam.builder().text("Checking.").build()),
                        ContentBlockParam.ofToolUse(ToolUseBlockParam.builder().id("toolu_1").name("get_weather")
                                .input(ToolUseBlockParam.Input.builder().putAdditionalProperty("city", JsonValue.from("Paris"))
                                        .build()).build())))
                .addUserMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId("toolu_1").content("18C")
                                .build())))
                .addTool(Tool.builder().name("get_weather").description("Weather by city")
                        .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build())
                                .required(List.of("city")).build()).build())
                .toolChoice(ToolChoiceTool.builder().name("get_weather").disableParallelToolUse(true).build())
                .stopSequences(List.of("END"))
                .metadata(Metadata.builder().userId("u-1").build())
                .build();
        String body = SDK.writeValueAsString(params._body());

        ChatRequest r = AnthropicMessagesCodec.parseRequest(Json.MAPPER.readTree(body));
        assertThat(r.messages()).extracting(dev.switchboard.core.model.Message::role)
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL);
        assertThat(r.messages().get(2).toolCalls()).containsExactly(new ToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(r.messages().get(3).text()).isEqualTo("18C");
        assertThat(r.tools().getFirst().parameters().path("required").get(0).asText()).isEqualTo("city");
        assertThat(r.maxTokens()).hasValue(300);
        assertThat(r.stop()).containsExactly("END");
        assertThat(r.parallelToolCalls()).contains(false);
        assertThat(r.user()).contains("u-1");
    }

    @Test
    void writesAResponseTheSdkAcceptsAsAMessage() throws Exception {
        var m = new dev.switchboard.core.model.Message(Role.ASSISTANT, List.of(new ContentPart.Text("Let me check.")), true,
                Optional.empty(), List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), Optional.empty(),
                Optional.of("The user wants weather."), Optional.empty());
        ChatResponse response = new ChatResponse("chatcmpl-9", 1L, "gpt-4o-mini", List.of(new Choice(0, m,
                Optional.of(FinishReason.STOP), Optional.empty())), Optional.of(new Usage(120, 30, 100, 0, 0)),
                Optional.empty(), Optional.empty());

        Message message = SDK.readValue(Json.text(AnthropicMessagesCodec.writeResponse(response)), Message.class).validate();
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.content()).hasSize(3);
        assertThat(message.content().get(0).thinking().orElseThrow().thinking()).isEqualTo("The user wants weather.");
        assertThat(message.content().get(1).text().orElseThrow().text()).isEqualTo("Let me check.");
        assertThat(message.content().get(2).toolUse().orElseThrow().name()).isEqualTo("get_weather");
        assertThat(message.usage().inputTokens()).isEqualTo(20);
        assertThat(message.usage().cacheReadInputTokens()).contains(100L);
        assertThat(message.usage().outputTokens()).isEqualTo(30);
    }

    @Test
    void streamsEventsTheSdkAccumulatesIntoTheSameMessage() throws Exception {
        AnthropicStreamEncoder encoder = new AnthropicStreamEncoder("switchboard/auto", 12, TOKENS);
        List<ChatChunk> chunks = List.of(
                ChatChunk.of("chatcmpl-1", 1L, "gpt-4o-mini", ChunkChoice.role(0, Role.ASSISTANT)),
                ChatChunk.of("chatcmpl-1", 1L, "gpt-4o-mini", ChunkChoice.reasoning(0, "Think first.")),
                ChatChunk.of("chatcmpl-1", 1L, "gpt-4o-mini", ChunkChoice.content(0, "Checking ")),
                ChatChunk.of("chatcmpl-1", 1L, "gpt-4o-mini", ChunkChoice.content(0, "now.")),
                ChatChunk.of("chatcmpl-1", 1L, "gpt-4o-mini", ChunkChoice.toolCalls(0, List.of(new ToolCallDelta(0,
                        Optional.of("call_7"), Optional.of("get_weather"), Optional.of("{\"ci"))))),
                ChatChunk.of("chatcmpl-1", 1L, "gpt-4o-mini", ChunkChoice.toolCalls(0, List.of(new ToolCallDelta(0,
                        Optional.empty(), Optional.empty(), Optional.of("ty\":\"Rome\"}"))))),
                ChatChunk.of("chatcmpl-1", 1L, "gpt-4o-mini", ChunkChoice.finish(0, FinishReason.TOOL_CALLS)),
                ChatChunk.usage("chatcmpl-1", 1L, "gpt-4o-mini", new Usage(12, 9, 0, 0, 0)));
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<SseEvent> events = new java.util.ArrayList<>();
        for (ChatChunk c : chunks) events.addAll(encoder.encode(c));
        events.addAll(encoder.finish());
        for (SseEvent e : events) {
            if (!e.name().equals("ping")) accumulator.accumulate(sdkEvent(e)); // the SDK's SSE reader skips pings by name
        }

        Message message = accumulator.message().validate();
        assertThat(message.model().asString()).isEqualTo("gpt-4o-mini");
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        List<ContentBlock> content = message.content();
        assertThat(content).hasSize(3);
        assertThat(content.get(0).thinking().orElseThrow().thinking()).isEqualTo("Think first.");
        assertThat(content.get(1).text().orElseThrow().text()).isEqualTo("Checking now.");
        var toolUse = content.get(2).toolUse().orElseThrow();
        assertThat(toolUse.id()).isEqualTo("call_7");
        assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("city", "Rome"));
        assertThat(message.usage().inputTokens()).isEqualTo(12);
        assertThat(message.usage().outputTokens()).isEqualTo(9);
    }

    @Test
    void writesErrorsTheSdkReads() throws Exception {
        for (GatewayException e : List.of(new GatewayException.BadRequest("max_tokens: Field required", "max_tokens"),
                new GatewayException.AuthenticationFailed("invalid x-api-key"),
                new GatewayException.PermissionDenied("no"), GatewayException.NotFound.model("ghost"),
                new GatewayException.RateLimited("slow", null), new GatewayException.Overloaded("busy", null),
                new GatewayException.UpstreamTimeout("late"), new GatewayException.UpstreamError("boom", 500, null))) {
            ErrorResponse parsed = SDK.readValue(Json.text(AnthropicMessagesCodec.writeError(e)), ErrorResponse.class);
            assertThat(parsed.validate().error().isValid()).as(e.getClass().getSimpleName()).isTrue();
        }
        // request_too_large is in Anthropic's error reference but not in the SDK's typed union; the SDK reads
        // error bodies leniently and chooses its exception by HTTP status (413).
        ErrorResponse tooLarge = SDK.readValue(Json.text(AnthropicMessagesCodec.writeError(
                new GatewayException.PayloadTooLarge("big"))), ErrorResponse.class);
        assertThat(tooLarge._error().isMissing()).isFalse();
        // A mid-stream error event's data is the same error body, which the SDK's stream reader raises.
        SseEvent error = new AnthropicStreamEncoder("m", 0, TOKENS)
                .error(new GatewayException.Overloaded("busy", null));
        assertThat(SDK.readValue(Json.text(error.data()), ErrorResponse.class).validate().error().isOverloadedError()).isTrue();
    }

    @Test
    void writesModelsAndTokenCountsTheSdkReads() throws Exception {
        ModelInfo model = SDK.readValue(Json.text(AnthropicMessagesCodec.modelItem("claude-fast", "Claude fast",
                Instant.parse("2025-02-19T00:00:00Z"), java.util.OptionalInt.of(200_000), java.util.OptionalInt.of(8_192))),
                ModelInfo.class).validate();
        assertThat(model.id()).isEqualTo("claude-fast");
        assertThat(model.lifecycle()).isEqualTo(ModelInfo.Lifecycle.ACTIVE);
        assertThat(model.maxInputTokens()).contains(200_000L);
        assertThat(model.maxTokens()).contains(8_192L);
        assertThat(model.createdAt().toInstant()).isEqualTo(Instant.parse("2025-02-19T00:00:00Z"));

        MessageTokensCount count = SDK.readValue(Json.text(AnthropicMessagesCodec.countTokens(Json.MAPPER.readTree(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"), TOKENS)),
                MessageTokensCount.class).validate();
        assertThat(count.inputTokens()).isPositive();
    }

    private static RawMessageStreamEvent sdkEvent(SseEvent e) throws Exception {
        return SDK.readValue(Json.text(e.data()), RawMessageStreamEvent.class).validate();
    }
}
