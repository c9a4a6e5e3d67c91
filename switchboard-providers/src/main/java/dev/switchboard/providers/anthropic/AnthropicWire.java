package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Anthropic Messages API wire types, mirroring the API reference:
 * <ul>
 *   <li>request and response: https://docs.anthropic.com/en/api/messages</li>
 *   <li>streaming events: https://docs.anthropic.com/en/docs/build-with-claude/streaming</li>
 *   <li>errors: https://docs.anthropic.com/en/api/errors</li>
 * </ul>
 * Field names are snake_case on the wire; absent optionals are left out of requests. Unknown content
 * block and delta types (server tools, ...) read as {@link Unknown} so newer API answers still parse.
 */
public final class AnthropicWire {
    /** The version header value this adapter speaks. */
    public static final String API_VERSION = "2023-06-01";

    static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .registerModule(new Jdk8Module())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_ABSENT)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);

    private AnthropicWire() {}

    // ------------------------------------------------------------------ request

    /**
     * {@code POST /v1/messages} body. {@code system} is a string or an array of text blocks; a top-level
     * {@code cache_control} asks for automatic prompt caching (the API places the breakpoint itself).
     */
    public record MessagesRequest(
            String model,
            int maxTokens,
            List<InputMessage> messages,
            Optional<JsonNode> system,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> stopSequences,
            OptionalDouble temperature,
            OptionalDouble topP,
            OptionalInt topK,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolDefinition> tools,
            Optional<ToolChoice> toolChoice,
            Optional<Metadata> metadata,
            Optional<JsonNode> thinking,
            Optional<JsonNode> cacheControl,
            Optional<String> serviceTier,
            boolean stream) {}

    /** One turn; {@code content} is a list of blocks (the API also accepts a plain string for user turns). */
    public record InputMessage(String role, List<ContentBlock> content) {}

    public record ToolDefinition(String name, Optional<String> description, JsonNode inputSchema,
            Optional<JsonNode> cacheControl) {}

    /** {@code type} is auto, any, tool or none; {@code name} only for tool. */
    public record ToolChoice(String type, Optional<String> name, Optional<Boolean> disableParallelToolUse) {}

    public record Metadata(String userId) {}

    // ------------------------------------------------------------------ content blocks

    /**
     * A content block in a request or a response. Each record carries its own {@code type} as on the wire;
     * {@code cache_control} marks a prompt-cache breakpoint on a request's block.
     */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type",
            visible = true, defaultImpl = Unknown.class)
    @JsonSubTypes({
            @JsonSubTypes.Type(value = TextBlock.class, name = "text"),
            @JsonSubTypes.Type(value = ImageBlock.class, name = "image"),
            @JsonSubTypes.Type(value = ToolUseBlock.class, name = "tool_use"),
            @JsonSubTypes.Type(value = ToolResultBlock.class, name = "tool_result"),
            @JsonSubTypes.Type(value = ThinkingBlock.class, name = "thinking"),
            @JsonSubTypes.Type(value = RedactedThinkingBlock.class, name = "redacted_thinking")})
    public sealed interface ContentBlock {
        String type();
    }

    /**
     * Text; {@code citations} (an array of citation objects, or null) are where an answer's text cites the request's
     * documents (https://docs.anthropic.com/en/docs/build-with-claude/citations), and may be sent back as they came.
     */
    public record TextBlock(String type, String text, Optional<JsonNode> cacheControl, Optional<JsonNode> citations)
            implements ContentBlock {
        public TextBlock(String type, String text, Optional<JsonNode> cacheControl) {
            this(type, text, cacheControl, Optional.empty());
        }

        public static TextBlock of(String text) {
            return new TextBlock("text", text, Optional.empty());
        }
    }

    /** {@code source} is {@code {type: base64, media_type, data}} or {@code {type: url, url}}. */
    public record ImageBlock(String type, ImageSource source, Optional<JsonNode> cacheControl) implements ContentBlock {
        public static ImageBlock of(ImageSource source, Optional<JsonNode> cacheControl) {
            return new ImageBlock("image", source, cacheControl);
        }
    }

    public record ImageSource(String type, Optional<String> mediaType, Optional<String> data, Optional<String> url) {
        public static ImageSource base64(String mediaType, String data) {
            return new ImageSource("base64", Optional.of(mediaType), Optional.of(data), Optional.empty());
        }

        public static ImageSource url(String url) {
            return new ImageSource("url", Optional.empty(), Optional.empty(), Optional.of(url));
        }
    }

    /** The model's call of a tool; {@code input} is a JSON object. */
    public record ToolUseBlock(String type, String id, String name, JsonNode input, Optional<JsonNode> cacheControl)
            implements ContentBlock {
        public static ToolUseBlock of(String id, String name, JsonNode input, Optional<JsonNode> cacheControl) {
            return new ToolUseBlock("tool_use", id, name, input, cacheControl);
        }
    }

    /**
     * A tool's answer, sent in a user turn; {@code content} is a string or an array of text/image blocks.
     * {@code is_error} is left out unless the tool failed.
     */
    public record ToolResultBlock(String type, String toolUseId, JsonNode content, Optional<Boolean> isError,
            Optional<JsonNode> cacheControl) implements ContentBlock {
        public static ToolResultBlock of(String toolUseId, JsonNode content, boolean isError,
                Optional<JsonNode> cacheControl) {
            return new ToolResultBlock("tool_result", toolUseId, content, isError ? Optional.of(true) : Optional.empty(),
                    cacheControl);
        }
    }

    /** Extended thinking; the signature must come back unchanged when the block is sent again. */
    public record ThinkingBlock(String type, String thinking, Optional<String> signature) implements ContentBlock {}

    public record RedactedThinkingBlock(String type, String data) implements ContentBlock {}

    /** A block this adapter does not model: read from answers and ignored. */
    public record Unknown(String type) implements ContentBlock {}

    /** A block kept as the client sent it (documents, search results), written back verbatim. */
    @JsonSerialize(using = RawSerializer.class)
    public record Raw(ObjectNode json) implements ContentBlock {
        @Override
        public String type() {
            return json.path("type").asText("");
        }
    }

    static final class RawSerializer extends StdSerializer<Raw> {
        RawSerializer() {
            super(Raw.class);
        }

        @Override
        public void serialize(Raw value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeTree(value.json());
        }

        @Override
        public void serializeWithType(Raw value, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
                throws IOException {
            serialize(value, gen, provider); // the tree carries its own "type"
        }
    }

    // ------------------------------------------------------------------ response

    /** A complete answer ({@code type: message}). */
    public record MessageResponse(
            String id,
            String type,
            String role,
            String model,
            List<ContentBlock> content,
            Optional<String> stopReason,
            Optional<String> stopSequence,
            Optional<Usage> usage) {
        public MessageResponse {
            content = content == null ? List.of() : List.copyOf(content);
        }
    }

    /**
     * Token usage. {@code input_tokens} excludes cache reads and cache writes, which are billed at their own
     * prices; a stream's message_delta repeats these cumulatively.
     */
    public record Usage(int inputTokens, int outputTokens, int cacheCreationInputTokens, int cacheReadInputTokens) {}

    // ------------------------------------------------------------------ stream events

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type",
            visible = true, defaultImpl = UnknownEvent.class)
    @JsonSubTypes({
            @JsonSubTypes.Type(value = MessageStart.class, name = "message_start"),
            @JsonSubTypes.Type(value = ContentBlockStart.class, name = "content_block_start"),
            @JsonSubTypes.Type(value = ContentBlockDelta.class, name = "content_block_delta"),
            @JsonSubTypes.Type(value = ContentBlockStop.class, name = "content_block_stop"),
            @JsonSubTypes.Type(value = MessageDelta.class, name = "message_delta"),
            @JsonSubTypes.Type(value = MessageStop.class, name = "message_stop"),
            @JsonSubTypes.Type(value = Ping.class, name = "ping"),
            @JsonSubTypes.Type(value = ErrorEvent.class, name = "error")})
    public sealed interface StreamEvent {
        String type();
    }

    public record MessageStart(String type, MessageResponse message) implements StreamEvent {}

    public record ContentBlockStart(String type, int index, ContentBlock contentBlock) implements StreamEvent {}

    public record ContentBlockDelta(String type, int index, Delta delta) implements StreamEvent {}

    public record ContentBlockStop(String type, int index) implements StreamEvent {}

    public record MessageDelta(String type, MessageDeltaBody delta, Optional<DeltaUsage> usage) implements StreamEvent {}

    public record MessageDeltaBody(Optional<String> stopReason, Optional<String> stopSequence) {}

    /** message_delta usage: output tokens always; input and cache counts when the API repeats them. */
    public record DeltaUsage(int outputTokens, OptionalInt inputTokens, OptionalInt cacheCreationInputTokens,
            OptionalInt cacheReadInputTokens) {}

    public record MessageStop(String type) implements StreamEvent {}

    public record Ping(String type) implements StreamEvent {}

    public record ErrorEvent(String type, ErrorBody error) implements StreamEvent {}

    public record UnknownEvent(String type) implements StreamEvent {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type",
            visible = true, defaultImpl = UnknownDelta.class)
    @JsonSubTypes({
            @JsonSubTypes.Type(value = TextDelta.class, name = "text_delta"),
            @JsonSubTypes.Type(value = InputJsonDelta.class, name = "input_json_delta"),
            @JsonSubTypes.Type(value = ThinkingDelta.class, name = "thinking_delta"),
            @JsonSubTypes.Type(value = SignatureDelta.class, name = "signature_delta"),
            @JsonSubTypes.Type(value = CitationsDelta.class, name = "citations_delta")})
    public sealed interface Delta {
        String type();
    }

    public record TextDelta(String type, String text) implements Delta {}

    /** One citation to add to the text block's {@code citations}. */
    public record CitationsDelta(String type, JsonNode citation) implements Delta {}

    public record InputJsonDelta(String type, String partialJson) implements Delta {}

    public record ThinkingDelta(String type, String thinking) implements Delta {}

    public record SignatureDelta(String type, String signature) implements Delta {}

    /** Deltas added later. */
    public record UnknownDelta(String type) implements Delta {}

    // ------------------------------------------------------------------ errors

    /** {@code {"type":"error","error":{"type","message"},"request_id"}}. */
    public record ErrorResponse(String type, ErrorBody error, Optional<String> requestId) {}

    public record ErrorBody(String type, String message) {}

    // ------------------------------------------------------------------ helpers

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T read(byte[] body, Class<T> type) throws IOException {
        return MAPPER.readValue(body, type);
    }

    static <T> T read(String body, Class<T> type) throws IOException {
        return MAPPER.readValue(body, type);
    }
}
