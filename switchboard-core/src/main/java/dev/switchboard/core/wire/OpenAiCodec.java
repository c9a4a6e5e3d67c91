package dev.switchboard.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * OpenAI's Chat Completions wire format ⇄ the canonical model. OpenAI's format is the canonical
 * vocabulary, so the same codec serves the HTTP ingress (clients speak it), OpenAI-compatible upstreams
 * and the simulated provider. Reference: https://platform.openai.com/docs/api-reference/chat
 */
public final class OpenAiCodec {
    /** OpenAI's own limit on {@code n}: more choices than this are refused before any provider is called. */
    static final int MAX_CHOICES = 128;
    /**
     * The fields of an answer the gateway models; an upstream's others travel back as {@code extras}.
     * {@code switchboard} is the gateway's own extension: an upstream gateway's is not passed on.
     */
    private static final Set<String> RESPONSE_FIELDS = Set.of("id", "object", "created", "model", "choices", "usage",
            "system_fingerprint", "service_tier", "switchboard");
    /** The usage counts {@link #parseUsage} models, at the top and within each details object. */
    private static final Set<String> USAGE_COUNTS = Set.of("prompt_tokens", "completion_tokens", "total_tokens");
    private static final Map<String, Set<String>> USAGE_DETAILS = Map.of(
            "prompt_tokens_details", Set.of("cached_tokens", "cache_write_tokens"),
            "completion_tokens_details", Set.of("reasoning_tokens"));
    private static final Set<String> CHOICE_FIELDS = Set.of("index", "message", "finish_reason", "logprobs");
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "refusal", "tool_calls", "reasoning_content",
            "reasoning");

    private OpenAiCodec() {}

    // ------------------------------------------------------------------ requests

    /** Validates and reads a client's chat request. Every problem is a 400 naming the field. */
    public static ChatRequest parseChatRequest(JsonNode body) {
        ChatRequest.Builder b = ChatRequest.builder(requiredString(body, "model"));
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) throw bad("Missing required parameter: 'messages'.", "messages");
        if (!messages.isArray()) throw bad("Invalid type for 'messages': expected an array.", "messages");
        if (messages.isEmpty()) throw bad("'messages' must contain at least one message.", "messages");
        for (int i = 0; i < messages.size(); i++) b.message(parseMessage(messages.get(i), "messages[" + i + "]"));

        JsonNode tools = body.get("tools");
        if (present(tools)) {
            if (!tools.isArray()) throw bad("Invalid type for 'tools': expected an array.", "tools");
            for (int i = 0; i < tools.size(); i++) b.tool(parseTool(tools.get(i), "tools[" + i + "]"));
        }
        if (present(body.get("tool_choice"))) b.toolChoice(parseToolChoice(body.get("tool_choice")));
        if (present(body.get("parallel_tool_calls"))) b.parallelToolCalls(bool(body, "parallel_tool_calls"));
        if (present(body.get("response_format"))) b.responseFormat(parseResponseFormat(body.get("response_format")));
        OptionalInt maxCompletion = optInt(body, "max_completion_tokens", 1);
        b.maxTokens(maxCompletion.isPresent() ? maxCompletion : optInt(body, "max_tokens", 1));
        b.temperature(optDouble(body, "temperature", 0, 2));
        b.topP(optDouble(body, "top_p", 0, 1));
        JsonNode stop = body.get("stop");
        if (present(stop)) {
            if (stop.isTextual()) b.stop(List.of(stop.asText()));
            else if (stop.isArray()) {
                List<String> stops = new ArrayList<>();
                for (JsonNode s : stop) {
                    if (!s.isTextual()) throw bad("Invalid type for 'stop': expected a string or an array of strings.", "stop");
                    stops.add(s.asText());
                }
                b.stop(stops);
            } else throw bad("Invalid type for 'stop': expected a string or an array of strings.", "stop");
        }
        b.n(optInt(body, "n", 1, MAX_CHOICES));
        JsonNode seed = body.get("seed");
        if (present(seed)) {
            // A seed is any 64-bit integer; asLong() would wrap a larger one into another seed.
            if (!seed.canConvertToLong() && wholeNumber(seed)) outOfRange("seed", seed, Long.MIN_VALUE, Long.MAX_VALUE);
            if (!seed.isIntegralNumber()) throw bad("Invalid type for 'seed': expected an integer.", "seed");
            b.seed(seed.asLong());
        }
        boolean logprobs = present(body.get("logprobs")) && bool(body, "logprobs");
        b.logprobs(logprobs);
        OptionalInt topLogprobs = optInt(body, "top_logprobs", 0, 20);
        if (topLogprobs.isPresent() && !logprobs) {
            throw bad("Invalid value for 'top_logprobs': 'logprobs' must be set to true if 'top_logprobs' is used.", "top_logprobs");
        }
        b.topLogprobs(topLogprobs);
        if (present(body.get("user"))) b.user(string(body, "user"));
        JsonNode metadata = body.get("metadata");
        if (present(metadata)) {
            if (!metadata.isObject()) throw bad("Invalid type for 'metadata': expected an object.", "metadata");
            Map<String, String> meta = new LinkedHashMap<>();
            metadata.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) throw bad("Invalid type for 'metadata." + e.getKey() + "': expected a string.", "metadata");
                meta.put(e.getKey(), e.getValue().asText());
            });
            b.metadata(meta);
        }
        boolean stream = present(body.get("stream")) && bool(body, "stream");
        b.stream(stream);
        JsonNode streamOptions = body.get("stream_options");
        if (present(streamOptions)) {
            if (!streamOptions.isObject()) throw bad("Invalid type for 'stream_options': expected an object.", "stream_options");
            JsonNode include = streamOptions.get("include_usage");
            if (present(include)) {
                if (!include.isBoolean()) throw bad("Invalid type for 'stream_options.include_usage': expected a boolean.", "stream_options");
                b.includeUsage(include.asBoolean());
            }
        }
        b.openAiBody((ObjectNode) body);
        ChatRequest request = b.build();
        request.toolChoice().flatMap(c -> c.unmetBy(request.tools())).ifPresent(why -> {
            throw bad("Invalid value for 'tool_choice': " + why + ".", "tool_choice");
        });
        return request;
    }

    private static Message parseMessage(JsonNode m, String path) {
        if (!m.isObject()) throw bad("Invalid type for '" + path + "': expected an object.", path);
        String roleText = requiredString(m, "role", path + ".role");
        Role role = Role.parse(roleText).orElseThrow(() -> bad("Invalid value for '" + path + ".role': '" + roleText
                + "'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", path + ".role"));
        JsonNode content = m.get("content");
        List<ContentPart> parts = new ArrayList<>();
        boolean isText = false;
        if (content == null || content.isNull()) {
            if (role != Role.ASSISTANT) throw bad("Missing required parameter: '" + path + ".content'.", path + ".content");
        } else if (content.isTextual()) {
            parts.add(new ContentPart.Text(content.asText()));
            isText = true;
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) parts.add(parsePart(content.get(i), path + ".content[" + i + "]"));
        } else {
            throw bad("Invalid type for '" + path + ".content': expected a string or an array of content parts.", path + ".content");
        }
        List<ToolCall> calls = new ArrayList<>();
        JsonNode toolCalls = m.get("tool_calls");
        if (present(toolCalls)) {
            if (role != Role.ASSISTANT) throw bad("'" + path + ".tool_calls' is only allowed on assistant messages.", path + ".tool_calls");
            if (!toolCalls.isArray()) throw bad("Invalid type for '" + path + ".tool_calls': expected an array.", path + ".tool_calls");
            for (int i = 0; i < toolCalls.size(); i++) {
                JsonNode c = toolCalls.get(i);
                String cp = path + ".tool_calls[" + i + "]";
                JsonNode fn = c.get("function");
                if (fn == null || !fn.isObject()) throw bad("Missing required parameter: '" + cp + ".function'.", cp + ".function");
                JsonNode arguments = fn.get("arguments");
                // OpenAI takes the arguments as JSON text only; an object would have been sent on as "".
                if (present(arguments) && !arguments.isTextual()) throw bad("Invalid type for '" + cp
                        + ".function.arguments': expected a string, but got " + kind(arguments) + ".", cp + ".function.arguments");
                calls.add(new ToolCall(requiredString(c, "id", cp + ".id"), requiredString(fn, "name", cp + ".function.name"),
                        fn.path("arguments").asText("")));
            }
        }
        Optional<String> toolCallId = Optional.empty();
        if (role == Role.TOOL) toolCallId = Optional.of(requiredString(m, "tool_call_id", path + ".tool_call_id"));
        Optional<String> name = present(m.get("name")) ? Optional.of(m.get("name").asText()) : Optional.empty();
        Optional<String> refusal = present(m.get("refusal")) ? Optional.of(m.get("refusal").asText()) : Optional.empty();
        Optional<String> reasoning = present(m.get("reasoning_content")) ? Optional.of(m.get("reasoning_content").asText())
                : Optional.empty();
        return new Message(role, parts, isText, name, calls, toolCallId, reasoning, refusal);
    }

    private static ContentPart parsePart(JsonNode p, String path) {
        if (!p.isObject()) throw bad("Invalid type for '" + path + "': expected an object.", path);
        String type = requiredString(p, "type", path + ".type");
        return switch (type) {
            case "text" -> new ContentPart.Text(requiredString(p, "text", path + ".text"));
            case "image_url" -> {
                JsonNode img = p.get("image_url");
                if (img == null) throw bad("Missing required parameter: '" + path + ".image_url'.", path + ".image_url");
                String url = img.isTextual() ? img.asText() : requiredString(img, "url", path + ".image_url.url");
                Optional<String> detail = img.isObject() && present(img.get("detail")) ? Optional.of(img.get("detail").asText())
                        : Optional.empty();
                yield new ContentPart.Image(url, detail);
            }
            default -> new ContentPart.Other(type, p);
        };
    }

    private static Tool parseTool(JsonNode t, String path) {
        if (!t.isObject()) throw bad("Invalid type for '" + path + "': expected an object.", path);
        String type = t.path("type").asText("function");
        if (!type.equals("function")) throw bad("Invalid value for '" + path + ".type': only 'function' tools are supported.", path + ".type");
        JsonNode fn = t.get("function");
        if (fn == null || !fn.isObject()) throw bad("Missing required parameter: '" + path + ".function'.", path + ".function");
        String name = requiredString(fn, "name", path + ".function.name");
        JsonNode params = fn.get("parameters");
        if (params == null || params.isNull()) params = Json.object().put("type", "object").set("properties", Json.object());
        else if (!params.isObject()) throw bad("Invalid type for '" + path + ".function.parameters': expected an object.", path + ".function.parameters");
        Optional<String> desc = present(fn.get("description")) ? Optional.of(fn.get("description").asText()) : Optional.empty();
        Optional<Boolean> strict = present(fn.get("strict")) ? Optional.of(fn.get("strict").asBoolean()) : Optional.empty();
        return new Tool(name, desc, params, strict);
    }

    private static ToolChoice parseToolChoice(JsonNode c) {
        if (c.isTextual()) return toolChoiceMode(c.asText());
        if (c.isObject() && c.path("function").has("name")) return new ToolChoice.Named(c.path("function").path("name").asText());
        throw bad("Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":...}}.",
                "tool_choice");
    }

    /** {@code tool_choice} given as a string, in chat and Responses alike. */
    static ToolChoice toolChoiceMode(String mode) {
        return switch (mode) {
            case "auto" -> new ToolChoice.Auto();
            case "none" -> new ToolChoice.None();
            case "required" -> new ToolChoice.Required();
            default -> throw bad("Invalid value for 'tool_choice': '" + mode
                    + "'. Supported values are: 'none', 'auto' and 'required'.", "tool_choice");
        };
    }

    private static ResponseFormat parseResponseFormat(JsonNode f) {
        if (!f.isObject()) throw bad("Invalid type for 'response_format': expected an object.", "response_format");
        String type = requiredString(f, "type", "response_format.type");
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                JsonNode js = f.get("json_schema");
                if (js == null || !js.isObject()) throw bad("Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema");
                String name = requiredString(js, "name", "response_format.json_schema.name");
                JsonNode schema = js.get("schema");
                if (present(schema) && !schema.isObject()) throw bad("Invalid type for 'response_format.json_schema.schema': "
                        + "expected an object, but got " + kind(schema) + ".", "response_format.json_schema.schema");
                yield new ResponseFormat.JsonSchema(name, schema == null ? Json.object() : schema,
                        present(js.get("strict")) ? Optional.of(js.get("strict").asBoolean()) : Optional.empty(),
                        present(js.get("description")) ? Optional.of(js.get("description").asText()) : Optional.empty());
            }
            default -> throw bad("Invalid value for 'response_format.type': '" + type
                    + "'. Supported values are: 'text', 'json_object' and 'json_schema'.", "response_format.type");
        };
    }

    /** The request as OpenAI JSON, built from canonical fields (for requests that did not arrive in OpenAI format). */
    public static ObjectNode writeChatRequest(ChatRequest r) {
        ObjectNode o = Json.object();
        o.put("model", r.model());
        ArrayNode messages = o.putArray("messages");
        for (Message m : r.messages()) messages.add(writeMessage(m));
        if (!r.tools().isEmpty()) {
            ArrayNode tools = o.putArray("tools");
            for (Tool t : r.tools()) {
                ObjectNode fn = Json.object().put("name", t.name());
                t.description().ifPresent(d -> fn.put("description", d));
                fn.set("parameters", t.parameters());
                t.strict().ifPresent(s -> fn.put("strict", s));
                tools.add(Json.object().put("type", "function").set("function", fn));
            }
        }
        r.toolChoice().ifPresent(c -> o.set("tool_choice", switch (c) {
            case ToolChoice.Auto a -> Json.NODES.textNode("auto");
            case ToolChoice.None n -> Json.NODES.textNode("none");
            case ToolChoice.Required q -> Json.NODES.textNode("required");
            case ToolChoice.Named n -> Json.object().put("type", "function").set("function", Json.object().put("name", n.name()));
        }));
        r.parallelToolCalls().ifPresent(p -> o.put("parallel_tool_calls", p));
        r.responseFormat().ifPresent(f -> o.set("response_format", switch (f) {
            case ResponseFormat.Text t -> Json.object().put("type", "text");
            case ResponseFormat.JsonObject j -> Json.object().put("type", "json_object");
            case ResponseFormat.JsonSchema s -> {
                ObjectNode js = Json.object().put("name", s.name());
                s.description().ifPresent(d -> js.put("description", d));
                js.set("schema", s.schema());
                s.strict().ifPresent(st -> js.put("strict", st));
                yield Json.object().put("type", "json_schema").set("json_schema", js);
            }
        }));
        r.maxTokens().ifPresent(v -> o.put("max_completion_tokens", v));
        r.temperature().ifPresent(v -> o.put("temperature", v));
        r.topP().ifPresent(v -> o.put("top_p", v));
        if (!r.stop().isEmpty()) {
            ArrayNode stop = o.putArray("stop");
            r.stop().forEach(stop::add);
        }
        r.n().ifPresent(v -> o.put("n", v));
        r.seed().ifPresent(v -> o.put("seed", v));
        if (r.logprobs()) o.put("logprobs", true);
        r.topLogprobs().ifPresent(v -> o.put("top_logprobs", v));
        r.user().ifPresent(v -> o.put("user", v));
        if (!r.metadata().isEmpty()) {
            ObjectNode meta = o.putObject("metadata");
            r.metadata().forEach(meta::put);
        }
        if (r.stream()) {
            o.put("stream", true);
            o.putObject("stream_options").put("include_usage", true);
        }
        return o;
    }

    /**
     * One message in OpenAI's format. Anthropic's signed and redacted thinking is left out: OpenAI-compatible APIs reject
     * it as a content part, and the reasoning text is all they could use (cache_control and is_error have no field). Tool
     * calls go in {@code tool_calls}, so their places among the content are left out too. So are Anthropic's citations
     * on text: OpenAI's nearest field, the message's {@code annotations}, holds only {@code url_citation}s, so an OpenAI
     * client gets the cited text without them rather than a made-up shape.
     */
    public static ObjectNode writeMessage(Message m) {
        ObjectNode o = Json.object().put("role", m.role().wire());
        List<ContentPart> content = withoutAnthropicOnlyParts(m.content());
        if (content.isEmpty()) {
            o.putNull("content");
        } else if (m.contentIsText() || (content.size() == 1 && content.getFirst() instanceof ContentPart.Text
                && m.role() != Role.USER)) {
            o.put("content", m.text());
        } else {
            ArrayNode parts = o.putArray("content");
            for (ContentPart p : content) {
                switch (p) {
                    case ContentPart.Text t -> parts.add(Json.object().put("type", "text").put("text", t.text()));
                    case ContentPart.Image i -> {
                        ObjectNode url = Json.object().put("url", i.url());
                        i.detail().ifPresent(d -> url.put("detail", d));
                        parts.add(Json.object().put("type", "image_url").set("image_url", url));
                    }
                    case ContentPart.Other other -> parts.add(other.json());
                    case ContentPart.Thinking t -> { }
                    case ContentPart.RedactedThinking r -> { }
                    case ContentPart.ToolUse u -> { }
                }
            }
        }
        m.name().ifPresent(n -> o.put("name", n));
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = o.putArray("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                calls.add(Json.object().put("id", c.id()).put("type", "function")
                        .set("function", Json.object().put("name", c.name()).put("arguments", c.arguments())));
            }
        }
        m.toolCallId().ifPresent(id -> o.put("tool_call_id", id));
        m.refusal().ifPresent(r -> o.put("refusal", r));
        return o;
    }

    /**
     * {@code parts} without what only Anthropic's blocks carry: signed and redacted thinking and the places of tool calls
     * (OpenAI keeps calls apart). The same list when it has none, as most have.
     */
    private static List<ContentPart> withoutAnthropicOnlyParts(List<ContentPart> parts) {
        for (ContentPart p : parts) {
            if (anthropicOnly(p)) return parts.stream().filter(q -> !anthropicOnly(q)).toList();
        }
        return parts;
    }

    private static boolean anthropicOnly(ContentPart p) {
        return p instanceof ContentPart.Thinking || p instanceof ContentPart.RedactedThinking || p instanceof ContentPart.ToolUse;
    }

    // ------------------------------------------------------------------ responses

    /**
     * An answer's JSON, written straight from the record as {@link #writeChunk} writes a chunk: building a tree of it
     * first was most of what writing an answer cost. {@code extension}, when not null, goes in a {@code switchboard}
     * field.
     */
    public static byte[] writeChatResponse(ChatResponse r, JsonNode extension) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", r.id());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", r.created());
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("choices");
            for (Choice c : r.choices()) {
                g.writeStartObject();
                g.writeNumberField("index", c.index());
                g.writeFieldName("message");
                g.writeTree(writeAnswerMessage(c.message()));
                g.writeFieldName("logprobs");
                if (c.logprobs().isPresent()) g.writeTree(c.logprobs().get());
                else g.writeNull();
                g.writeStringField("finish_reason", c.finishReason().map(FinishReason::wire).orElse("stop"));
                if (c.extras().isPresent()) writeFields(c.extras().get(), g);
                g.writeEndObject();
            }
            g.writeEndArray();
            if (r.usage().isPresent()) {
                g.writeFieldName("usage");
                writeUsage(r.usage().get(), g);
            }
            if (r.systemFingerprint().isPresent()) g.writeStringField("system_fingerprint", r.systemFingerprint().get());
            if (r.serviceTier().isPresent()) g.writeStringField("service_tier", r.serviceTier().get());
            writeExtrasAndExtension(r.extras().orElse(null), extension, g);
            g.writeEndObject();
        });
    }

    /** An answer's message: {@link #writeMessage} with an explicit null refusal, the reasoning and the upstream's extras. */
    private static ObjectNode writeAnswerMessage(Message m) {
        ObjectNode message = writeMessage(m);
        if (!message.has("refusal")) message.putNull("refusal");
        m.reasoning().ifPresent(t -> message.put("reasoning_content", t));
        m.extras().ifPresent(message::setAll);
        return message;
    }

    public static ChatResponse parseChatResponse(JsonNode o, String provider) {
        JsonNode choicesNode = o.get("choices");
        if (choicesNode == null || !choicesNode.isArray()) {
            throw new GatewayException.UpstreamError(provider + " returned a response without 'choices'", 502, null);
        }
        List<Choice> choices = new ArrayList<>();
        for (JsonNode c : choicesNode) {
            JsonNode m = c.path("message");
            List<ContentPart> parts = new ArrayList<>();
            if (m.path("content").isTextual()) parts.add(new ContentPart.Text(m.get("content").asText()));
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode tc : m.path("tool_calls")) {
                calls.add(new ToolCall(tc.path("id").asText(), tc.path("function").path("name").asText(),
                        tc.path("function").path("arguments").asText("")));
            }
            Optional<String> reasoning = textField(m, "reasoning_content").or(() -> textField(m, "reasoning"));
            Message message = new Message(Role.ASSISTANT, parts, true, Optional.empty(), calls, Optional.empty(), reasoning,
                    textField(m, "refusal"), extras(m, MESSAGE_FIELDS));
            choices.add(new Choice(c.path("index").asInt(choices.size()), message,
                    textField(c, "finish_reason").map(FinishReason::parse),
                    present(c.get("logprobs")) ? Optional.of(c.get("logprobs")) : Optional.empty(), Optional.empty(),
                    extras(c, CHOICE_FIELDS)));
        }
        return new ChatResponse(o.path("id").asText(""), o.path("created").asLong(0), o.path("model").asText(""), choices,
                present(o.get("usage")) ? Optional.of(parseUsage(o.get("usage"))) : Optional.empty(),
                textField(o, "system_fingerprint"), textField(o, "service_tier"), extras(o, RESPONSE_FIELDS));
    }

    /** The fields of {@code o} outside {@code modeled}, as they came; none is the common case and allocates nothing. */
    private static Optional<ObjectNode> extras(JsonNode o, Set<String> modeled) {
        ObjectNode out = null;
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            if (modeled.contains(e.getKey())) continue;
            if (out == null) out = Json.object();
            out.set(e.getKey(), e.getValue());
        }
        return Optional.ofNullable(out);
    }

    // ------------------------------------------------------------------ stream chunks

    /**
     * Writes a chunk with {@code g}, straight from the record: a stream has a chunk per token or two, and building
     * a tree for each was a large share of what a stream allocated. {@code extension}, when not null, goes in a
     * {@code switchboard} field. What only Anthropic's stream has a place for (a thinking signature, a text block's
     * citation, redacted thinking) is left out, as in {@link #writeMessage}; a chunk that carries nothing else
     * ({@link #onlyAnthropicFields}) would have an empty delta, and the OpenAI ingress does not send it.
     */
    public static void writeChunk(ChatChunk c, JsonNode extension, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", c.created());
        g.writeStringField("model", c.model());
        if (c.systemFingerprint().isPresent()) g.writeStringField("system_fingerprint", c.systemFingerprint().get());
        g.writeArrayFieldStart("choices");
        for (ChunkChoice ch : c.choices()) {
            g.writeStartObject();
            g.writeNumberField("index", ch.index());
            g.writeObjectFieldStart("delta");
            if (ch.role().isPresent()) g.writeStringField("role", ch.role().get().wire());
            if (ch.content().isPresent()) g.writeStringField("content", ch.content().get());
            if (ch.reasoning().isPresent()) g.writeStringField("reasoning_content", ch.reasoning().get());
            if (ch.refusal().isPresent()) g.writeStringField("refusal", ch.refusal().get());
            if (!ch.toolCalls().isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (ToolCallDelta d : ch.toolCalls()) {
                    g.writeStartObject();
                    g.writeNumberField("index", d.index());
                    if (d.id().isPresent()) {
                        g.writeStringField("id", d.id().get());
                        g.writeStringField("type", "function");
                    }
                    g.writeObjectFieldStart("function");
                    if (d.name().isPresent()) g.writeStringField("name", d.name().get());
                    g.writeStringField("arguments", d.arguments().orElse(""));
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (ch.extras().isPresent()) writeFields(ch.extras().get(), g);
            g.writeEndObject();
            g.writeFieldName("logprobs");
            if (ch.logprobs().isPresent()) g.writeTree(ch.logprobs().get());
            else g.writeNull();
            if (ch.finishReason().isPresent()) g.writeStringField("finish_reason", ch.finishReason().get().wire());
            else g.writeNullField("finish_reason");
            if (ch.choiceExtras().isPresent()) writeFields(ch.choiceExtras().get(), g);
            g.writeEndObject();
        }
        g.writeEndArray();
        if (c.usage().isPresent()) {
            g.writeFieldName("usage");
            writeUsage(c.usage().get(), g);
        }
        writeExtrasAndExtension(c.extras().orElse(null), extension, g);
        g.writeEndObject();
    }

    /**
     * An answer's or chunk's extra fields, then {@code extension} as its {@code switchboard} field. The extras may carry
     * the gateway's own note (an estimated usage) where the answer has its extension too: one object.
     */
    private static void writeExtrasAndExtension(ObjectNode extras, JsonNode extension, JsonGenerator g) throws IOException {
        if (extras != null && extension instanceof ObjectNode ext && extras.get("switchboard") instanceof ObjectNode note) {
            extension = ext.deepCopy().setAll(note);
            extras = extras.deepCopy();
            extras.remove("switchboard");
        }
        if (extras != null) writeFields(extras, g);
        if (extension != null) {
            g.writeFieldName("switchboard");
            g.writeTree(extension);
        }
    }

    /**
     * True for a chunk whose only news is what an OpenAI client has no place for: a thinking signature, redacted
     * thinking or a citation (Anthropic's stream). Written, it is a chunk with an empty delta and nothing else. A
     * chunk with any field an OpenAI client reads (role, content, reasoning, tool calls, finish reason, logprobs,
     * usage, a fingerprint, fields the gateway does not model) is never one.
     */
    public static boolean onlyAnthropicFields(ChatChunk c) {
        if (c.choices().isEmpty() || c.usage().isPresent() || c.systemFingerprint().isPresent() || c.extras().isPresent()) {
            return false;
        }
        boolean anthropicOnly = false;
        for (ChunkChoice ch : c.choices()) {
            if (ch.role().isPresent() || ch.content().isPresent() || ch.reasoning().isPresent() || ch.refusal().isPresent()
                    || !ch.toolCalls().isEmpty() || ch.finishReason().isPresent() || ch.logprobs().isPresent()
                    || ch.extras().isPresent() || ch.choiceExtras().isPresent()) {
                return false;
            }
            anthropicOnly |= ch.reasoningSignature().isPresent() || ch.redactedReasoning().isPresent()
                    || ch.citation().isPresent();
        }
        return anthropicOnly;
    }

    private static void writeFields(ObjectNode fields, JsonGenerator g) throws IOException {
        for (Map.Entry<String, JsonNode> e : fields.properties()) {
            g.writeFieldName(e.getKey());
            g.writeTree(e.getValue());
        }
    }

    /** A chunk's JSON as bytes. */
    public static byte[] writeChunk(ChatChunk c) {
        return Json.write(g -> writeChunk(c, null, g));
    }

    public static ChatChunk parseChunk(JsonNode o) {
        try (JsonParser p = o.traverse(Json.MAPPER)) {
            p.nextToken();
            return readChunk(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a chunk from {@code p}, which is on the object's start, without building a tree (a stream has a chunk
     * per token or two). Returns null when the object has an {@code error} field: the caller reads that event whole.
     * Fields it does not model are kept as the extras of the chunk, its choice or the delta they sit in; a field of an
     * unexpected type reads as absent, as {@link #textField} does.
     */
    public static ChatChunk readChunk(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) throw new JsonParseException(p, "a chunk must be a JSON object");
        String id = "";
        String model = "";
        long created = 0;
        List<ChunkChoice> choices = new ArrayList<>(1);
        Optional<Usage> usage = Optional.empty();
        Optional<String> fingerprint = Optional.empty();
        ObjectNode extras = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "object", "switchboard" -> p.skipChildren(); // written by the gateway, as in RESPONSE_FIELDS
                case "id" -> id = p.getValueAsString("");
                case "model" -> model = p.getValueAsString("");
                case "created" -> created = p.getValueAsLong(0);
                case "system_fingerprint" -> fingerprint = text(p);
                case "error" -> {
                    return null;
                }
                case "choices" -> {
                    if (value == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() == JsonToken.START_OBJECT) choices.add(readChunkChoice(p));
                            else p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "usage" -> {
                    if (value == JsonToken.START_OBJECT) usage = Optional.of(parseUsage(Json.SUBTREE.readTree(p)));
                    else p.skipChildren();
                }
                default -> extras = keep(extras, field, p);
            }
        }
        return new ChatChunk(id, created, model, choices, usage, fingerprint, Optional.ofNullable(extras));
    }

    private static ChunkChoice readChunkChoice(JsonParser p) throws IOException {
        int index = 0;
        Optional<Role> role = Optional.empty();
        Optional<String> content = Optional.empty();
        Optional<String> reasoningContent = Optional.empty();
        Optional<String> reasoning = Optional.empty();
        Optional<String> refusal = Optional.empty();
        List<ToolCallDelta> deltas = List.of();
        Optional<FinishReason> finish = Optional.empty();
        Optional<JsonNode> logprobs = Optional.empty();
        ObjectNode extras = null;
        ObjectNode choiceExtras = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "index" -> index = p.getValueAsInt(0);
                case "finish_reason" -> finish = text(p).map(FinishReason::parse);
                case "logprobs" -> {
                    if (value == JsonToken.VALUE_NULL) continue;
                    JsonNode node = Json.SUBTREE.readTree(p);
                    if (present(node)) logprobs = Optional.of(node);
                }
                case "delta" -> {
                    if (value != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        JsonToken v = p.nextToken();
                        switch (name) {
                            case "role" -> role = text(p).flatMap(Role::parse);
                            case "content" -> content = text(p);
                            case "reasoning_content" -> reasoningContent = text(p);
                            case "reasoning" -> reasoning = text(p);
                            case "refusal" -> refusal = text(p);
                            case "tool_calls" -> {
                                if (v == JsonToken.START_ARRAY) deltas = readToolCallDeltas(p);
                                else p.skipChildren();
                            }
                            default -> extras = keep(extras, name, p);
                        }
                    }
                }
                default -> choiceExtras = keep(choiceExtras, field, p);
            }
        }
        Optional<String> reasoningText = reasoningContent.isPresent() ? reasoningContent : reasoning;
        return new ChunkChoice(index, role, content, reasoningText, deltas, finish, logprobs, refusal, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.ofNullable(extras), Optional.ofNullable(choiceExtras));
    }

    /** Adds the value the parser is on to {@code extras} (made on the first one, so a chunk without any allocates none). */
    private static ObjectNode keep(ObjectNode extras, String field, JsonParser p) throws IOException {
        ObjectNode out = extras == null ? Json.object() : extras;
        out.set(field, p.currentToken() == JsonToken.VALUE_NULL ? Json.NODES.nullNode() : Json.SUBTREE.readTree(p));
        return out;
    }

    private static List<ToolCallDelta> readToolCallDeltas(JsonParser p) throws IOException {
        List<ToolCallDelta> deltas = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            int index = deltas.size();
            Optional<String> id = Optional.empty();
            Optional<String> name = Optional.empty();
            Optional<String> arguments = Optional.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "index" -> index = p.getValueAsInt(deltas.size());
                    case "id" -> id = text(p);
                    case "function" -> {
                        if (value != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String fn = p.currentName();
                            p.nextToken();
                            switch (fn) {
                                case "name" -> name = text(p);
                                case "arguments" -> arguments = text(p);
                                default -> p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            deltas.add(new ToolCallDelta(index, id, name, arguments));
        }
        return deltas;
    }

    /** The current value when it is a string, as {@link #textField} reads a tree. */
    private static Optional<String> text(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) return Optional.of(p.getText());
        p.skipChildren();
        return Optional.empty();
    }

    // ------------------------------------------------------------------ usage, errors

    /**
     * Usage as OpenAI writes it, with the upstream's unmodelled counts ({@link Usage#extras()}) in their place: inside
     * the details objects after the modelled counts, the others after those.
     */
    public static void writeUsage(Usage u, JsonGenerator g) throws IOException {
        ObjectNode extras = u.extras().orElse(null);
        g.writeStartObject();
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedPromptTokens());
        // Not an OpenAI field (OpenRouter's and others'): written only when there is something to say.
        if (u.cacheWriteTokens() > 0) g.writeNumberField("cache_write_tokens", u.cacheWriteTokens());
        writeDetailExtras(extras, "prompt_tokens_details", g);
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", u.reasoningTokens());
        writeDetailExtras(extras, "completion_tokens_details", g);
        g.writeEndObject();
        if (extras != null) {
            for (Map.Entry<String, JsonNode> e : extras.properties()) {
                if (USAGE_DETAILS.containsKey(e.getKey())) continue; // written inside their details object
                g.writeFieldName(e.getKey());
                g.writeTree(e.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void writeDetailExtras(ObjectNode extras, String details, JsonGenerator g) throws IOException {
        if (extras != null && extras.get(details) instanceof ObjectNode more) writeFields(more, g);
    }

    public static Usage parseUsage(JsonNode u) {
        return new Usage(u.path("prompt_tokens").asInt(0), u.path("completion_tokens").asInt(0),
                u.path("prompt_tokens_details").path("cached_tokens").asInt(0),
                u.path("prompt_tokens_details").path("cache_write_tokens").asInt(0),
                u.path("completion_tokens_details").path("reasoning_tokens").asInt(0), usageExtras(u));
    }

    /** The usage counts {@link #parseUsage} does not model, in their place (audio tokens, predicted-output tokens, ...). */
    private static Optional<ObjectNode> usageExtras(JsonNode u) {
        ObjectNode rest = null; // made on the first unmodelled count: most answers have none
        for (Map.Entry<String, JsonNode> e : u.properties()) {
            String key = e.getKey();
            if (USAGE_COUNTS.contains(key)) continue;
            Set<String> modelled = USAGE_DETAILS.get(key);
            if (modelled == null) {
                if (rest == null) rest = Json.object();
                rest.set(key, e.getValue());
            } else if (e.getValue() instanceof ObjectNode details) {
                for (Map.Entry<String, JsonNode> d : details.properties()) {
                    if (modelled.contains(d.getKey())) continue;
                    if (rest == null) rest = Json.object();
                    (rest.get(key) instanceof ObjectNode into ? into : rest.putObject(key)).set(d.getKey(), d.getValue());
                }
            }
        }
        return Optional.ofNullable(rest);
    }

    /** {@code {"error":{"message","type","param","code"}}}, as OpenAI answers errors. */
    public static ObjectNode writeError(GatewayException e) {
        ObjectNode err = Json.object();
        err.put("message", e.getMessage());
        err.put("type", e.type());
        if (e.param().isPresent()) err.put("param", e.param().get());
        else err.putNull("param");
        if (e.code().isPresent()) err.put("code", e.code().get());
        else err.putNull("code");
        ObjectNode o = Json.object();
        o.set("error", err);
        return o;
    }

    // ------------------------------------------------------------------ field helpers

    public static Optional<String> textField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    /** Whether a field is there: absent, JSON null and missing all mean left out, as in OpenAI's API. */
    public static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    static GatewayException.BadRequest bad(String message, String param) {
        return new GatewayException.BadRequest(message, param);
    }

    static String requiredString(JsonNode o, String field) {
        return requiredString(o, field, field);
    }

    static String requiredString(JsonNode o, String field, String path) {
        return optString(o, field, path).orElseThrow(() -> bad("Missing required parameter: '" + path + "'.", path));
    }

    /** The field's text; empty when it is left out; a 400 naming it when it is not a string (a number is not coerced). */
    public static Optional<String> optString(JsonNode o, String field) {
        return optString(o, field, field);
    }

    static Optional<String> optString(JsonNode o, String field, String path) {
        JsonNode v = o.get(field);
        if (!present(v)) return Optional.empty();
        if (!v.isTextual()) throw bad("Invalid type for '" + path + "': expected a string, but got " + kind(v) + ".", path);
        return Optional.of(v.asText());
    }

    static String string(JsonNode o, String field) {
        return requiredString(o, field, field);
    }

    static boolean bool(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (!v.isBoolean()) throw bad("Invalid type for '" + field + "': expected a boolean, but got " + kind(v) + ".", field);
        return v.asBoolean();
    }

    static OptionalInt optInt(JsonNode o, String field, int min) {
        return optInt(o, field, min, Integer.MAX_VALUE);
    }

    static OptionalInt optInt(JsonNode o, String field, int min, int max) {
        JsonNode v = o.get(field);
        if (!present(v)) return OptionalInt.empty();
        // A whole number past int's range (3000000000, 1e20) is of the right kind, only out of range: say so.
        if (!v.canConvertToInt() && wholeNumber(v)) outOfRange(field, v, min, max);
        if (!v.isIntegralNumber()) {
            throw bad("Invalid type for '" + field + "': expected an integer, but got " + kind(v) + ".", field);
        }
        if (v.asInt() < min || v.asInt() > max) outOfRange(field, v, min, max);
        return OptionalInt.of(v.asInt());
    }

    /** True for a JSON number with no fractional part, however it is written ({@code 3000000000}, {@code 1e20}). */
    static boolean wholeNumber(JsonNode v) {
        if (v.isIntegralNumber()) return true;
        if (!v.isFloatingPointNumber() || (v.isDouble() || v.isFloat()) && !Double.isFinite(v.asDouble())) return false;
        return v.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    private static void outOfRange(String field, JsonNode v, long min, long max) {
        boolean above = v.decimalValue().signum() > 0 && v.decimalValue().compareTo(java.math.BigDecimal.valueOf(max)) > 0;
        throw bad("Invalid '" + field + "': integer " + (above ? "above maximum value. Expected a value <= " + max
                : "below minimum value. Expected a value >= " + min) + ", but got " + v.asText() + " instead.", field);
    }

    static OptionalDouble optDouble(JsonNode o, String field, double min, double max) {
        JsonNode v = o.get(field);
        if (!present(v)) return OptionalDouble.empty();
        if (!v.isNumber()) throw bad("Invalid type for '" + field + "': expected a number, but got " + kind(v) + ".", field);
        double d = v.asDouble();
        if (d < min || d > max) throw bad("Invalid '" + field + "': expected a value between " + min + " and " + max
                + ", but got " + d + ".", field);
        return OptionalDouble.of(d);
    }

    static OptionalLong optLong(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return present(v) && v.isIntegralNumber() ? OptionalLong.of(v.asLong()) : OptionalLong.empty();
    }

    /** How an error message names a JSON value's type: "a string", "a number", "an array"... */
    public static String kind(JsonNode v) {
        if (v.isTextual()) return "a string";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        if (v.isArray()) return "an array";
        if (v.isObject()) return "an object";
        return "null";
    }
}
