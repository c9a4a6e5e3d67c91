package dev.switchboard.core.wire;

import static dev.switchboard.core.wire.OpenAiCodec.bad;
import static dev.switchboard.core.wire.OpenAiCodec.bool;
import static dev.switchboard.core.wire.OpenAiCodec.kind;
import static dev.switchboard.core.wire.OpenAiCodec.optDouble;
import static dev.switchboard.core.wire.OpenAiCodec.optInt;
import static dev.switchboard.core.wire.OpenAiCodec.optString;
import static dev.switchboard.core.wire.OpenAiCodec.present;
import static dev.switchboard.core.wire.OpenAiCodec.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * OpenAI's Responses API ({@code POST /v1/responses}) as a codec over the canonical chat model, as
 * https://platform.openai.com/docs/api-reference/responses describes it. A request's {@code instructions} and input
 * items become chat messages (a {@code function_call} item an assistant message's tool call, a
 * {@code function_call_output} a tool message), function tools and {@code text.format} the chat request's tools and
 * response format; the answer's message, reasoning and tool calls become output items. The gateway has no hosted
 * tools, background runs or server-side conversations, so requests for them are refused with a 400 naming the field;
 * reasoning items sent back as input are dropped (only the model that wrote them can read them).
 */
public final class OpenAiResponsesCodec {
    private static final HexFormat HEX = HexFormat.of();

    private OpenAiResponsesCodec() {}

    /**
     * A parsed request.
     *
     * @param template the chat request without its messages: {@link #chat} adds them
     * @param instructions the request's {@code instructions}, the first (system) message; never carried to a next turn
     * @param input the input items as chat messages
     * @param echo the response object's fields that repeat the request (tools, text, temperature, ...)
     */
    public record Request(ChatRequest template, Optional<String> instructions, List<Message> input,
            Optional<String> previousResponseId, boolean store, Optional<String> reasoningEffort, ObjectNode echo) {
        public Request {
            input = List.copyOf(input);
        }

        /** The chat request: instructions first, then the earlier turns ({@code previous_response_id}'s), then the input. */
        public ChatRequest chat(List<Message> earlier) {
            List<Message> messages = new ArrayList<>(earlier.size() + input.size() + 1);
            instructions.ifPresent(i -> messages.add(Message.system(i)));
            messages.addAll(earlier);
            messages.addAll(input);
            ChatRequest chat = template.toBuilder().messages(messages).build();
            if (reasoningEffort.isEmpty()) return chat;
            // OpenAI-compatible upstreams take the effort as chat's reasoning_effort (others read it from there too).
            ObjectNode body = OpenAiCodec.writeChatRequest(chat);
            body.put("reasoning_effort", reasoningEffort.get());
            return chat.toBuilder().openAiBody(body).build();
        }
    }

    // ------------------------------------------------------------------ requests

    /** Validates and reads a client's request. Every problem is a 400 naming the field. */
    public static Request parseRequest(JsonNode body) {
        String model = requiredString(body, "model");
        refuse(body, "background", v -> v.isBoolean() && v.asBoolean(), "background responses are not supported by this gateway");
        refuse(body, "conversation", v -> true, "conversations are not supported by this gateway: send the earlier turns as input, "
                + "or use previous_response_id");
        refuse(body, "prompt", v -> true, "prompt templates are not supported by this gateway");
        refuse(body, "top_logprobs", v -> !(v.isIntegralNumber() && v.asInt() == 0), "log probabilities are not supported on "
                + "/v1/responses by this gateway: use /v1/chat/completions with logprobs");
        Optional<String> previous = optString(body, "previous_response_id");
        Optional<String> instructions = optString(body, "instructions");
        JsonNode inputNode = body.get("input");
        if (!present(inputNode)) throw bad("Missing required parameter: 'input'.", "input");
        List<Message> input = parseInput(inputNode);
        if (input.isEmpty() && previous.isEmpty()) throw bad("'input' must contain at least one item.", "input");

        ChatRequest.Builder b = ChatRequest.builder(model);
        ObjectNode echo = Json.object();
        echo.put("background", false);
        instructions.ifPresentOrElse(i -> echo.put("instructions", i), () -> echo.putNull("instructions"));

        ArrayNode tools = echo.putArray("tools");
        JsonNode toolsNode = body.get("tools");
        if (present(toolsNode)) {
            if (!toolsNode.isArray()) throw bad("Invalid type for 'tools': expected an array.", "tools");
            for (int i = 0; i < toolsNode.size(); i++) {
                Tool tool = parseTool(toolsNode.get(i), "tools[" + i + "]");
                b.tool(tool);
                tools.add(writeTool(tool));
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (present(choice)) {
            b.toolChoice(parseToolChoice(choice));
            echo.set("tool_choice", choice);
        } else {
            echo.put("tool_choice", "auto");
        }
        boolean parallel = !present(body.get("parallel_tool_calls")) || bool(body, "parallel_tool_calls");
        if (present(body.get("parallel_tool_calls"))) b.parallelToolCalls(parallel);
        echo.put("parallel_tool_calls", parallel);

        ObjectNode text = echo.putObject("text");
        JsonNode textNode = body.get("text");
        if (present(textNode)) {
            if (!textNode.isObject()) throw bad("Invalid type for 'text': expected an object.", "text");
            JsonNode format = textNode.get("format");
            if (present(format)) {
                b.responseFormat(parseFormat(format));
                text.set("format", format);
            }
            if (present(textNode.get("verbosity"))) text.set("verbosity", textNode.get("verbosity"));
        }
        if (!text.has("format")) text.putObject("format").put("type", "text");
        if (!text.has("verbosity")) text.put("verbosity", "medium");

        OptionalInt maxOutput = optInt(body, "max_output_tokens", 1);
        b.maxTokens(maxOutput);
        maxOutput.ifPresentOrElse(v -> echo.put("max_output_tokens", v), () -> echo.putNull("max_output_tokens"));
        echo.putNull("max_tool_calls");
        var temperature = optDouble(body, "temperature", 0, 2);
        b.temperature(temperature);
        echo.put("temperature", temperature.orElse(1.0));
        var topP = optDouble(body, "top_p", 0, 1);
        b.topP(topP);
        echo.put("top_p", topP.orElse(1.0));
        echo.put("top_logprobs", 0);
        Optional<String> user = optString(body, "user");
        user.or(() -> optString(body, "safety_identifier")).ifPresent(b::user);
        user.ifPresentOrElse(u -> echo.put("user", u), () -> echo.putNull("user"));
        Map<String, String> metadata = metadata(body.get("metadata"));
        b.metadata(metadata);
        ObjectNode meta = echo.putObject("metadata");
        metadata.forEach(meta::put);
        previous.ifPresentOrElse(p -> echo.put("previous_response_id", p), () -> echo.putNull("previous_response_id"));
        boolean store = !present(body.get("store")) || bool(body, "store");
        echo.put("store", store);
        String truncation = optString(body, "truncation").orElse("disabled");
        if (!truncation.equals("disabled") && !truncation.equals("auto")) {
            throw bad("Invalid value for 'truncation': '" + truncation + "'. Supported values are: 'auto' and 'disabled'.", "truncation");
        }
        echo.put("truncation", truncation);
        echo.put("service_tier", optString(body, "service_tier").orElse("default"));
        ObjectNode reasoning = echo.putObject("reasoning");
        reasoning.putNull("effort");
        reasoning.putNull("summary");
        Optional<String> effort = Optional.empty();
        JsonNode reasoningNode = body.get("reasoning");
        if (present(reasoningNode)) {
            if (!reasoningNode.isObject()) throw bad("Invalid type for 'reasoning': expected an object.", "reasoning");
            effort = optString(reasoningNode, "effort");
            effort.ifPresent(e -> reasoning.put("effort", e));
            optString(reasoningNode, "summary").ifPresent(s -> reasoning.put("summary", s));
        }
        b.stream(present(body.get("stream")) && bool(body, "stream"));
        b.includeUsage(true);
        ChatRequest template = b.build();
        template.toolChoice().flatMap(c -> c.unmetBy(template.tools())).ifPresent(why -> {
            throw bad("Invalid value for 'tool_choice': " + why + ".", "tool_choice");
        });
        return new Request(template, instructions, input, previous, store, effort, echo);
    }

    private static void refuse(JsonNode body, String field, Predicate<JsonNode> when, String why) {
        JsonNode v = body.get(field);
        if (present(v) && when.test(v)) throw bad("Unsupported parameter: '" + field + "': " + why + ".", field);
    }

    private static Map<String, String> metadata(JsonNode metadata) {
        Map<String, String> meta = new LinkedHashMap<>();
        if (!present(metadata)) return meta;
        if (!metadata.isObject()) throw bad("Invalid type for 'metadata': expected an object.", "metadata");
        metadata.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) throw bad("Invalid type for 'metadata." + e.getKey() + "': expected a string.", "metadata");
            meta.put(e.getKey(), e.getValue().asText());
        });
        return meta;
    }

    /**
     * Input items as chat messages, in order. Consecutive {@code function_call} items (and an assistant message just
     * before them) make one assistant message, as a chat model wrote them.
     */
    static List<Message> parseInput(JsonNode input) {
        List<Message> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(Message.user(input.asText()));
            return out;
        }
        if (!input.isArray()) throw bad("Invalid type for 'input': expected a string or an array of input items.", "input");
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String path = "input[" + i + "]";
            if (!item.isObject()) throw bad("Invalid type for '" + path + "': expected an object.", path);
            String type = optString(item, "type", path + ".type").orElse("message");
            switch (type) {
                case "message" -> out.add(parseMessage(item, path));
                case "function_call" -> {
                    ToolCall call = new ToolCall(requiredString(item, "call_id", path + ".call_id"),
                            requiredString(item, "name", path + ".name"), requiredString(item, "arguments", path + ".arguments"));
                    Message last = out.isEmpty() ? null : out.getLast();
                    if (last != null && last.role() == Role.ASSISTANT) {
                        List<ToolCall> calls = new ArrayList<>(last.toolCalls());
                        calls.add(call);
                        out.set(out.size() - 1, new Message(Role.ASSISTANT, last.content(), last.contentIsText(), last.name(),
                                calls, Optional.empty(), last.reasoning(), last.refusal()));
                    } else {
                        out.add(new Message(Role.ASSISTANT, List.of(), false, Optional.empty(), List.of(call), Optional.empty(),
                                Optional.empty(), Optional.empty()));
                    }
                }
                case "function_call_output" -> out.add(Message.toolResult(requiredString(item, "call_id", path + ".call_id"),
                        outputText(item.get("output"), path + ".output")));
                // Reasoning only the model that wrote it can read (often encrypted); the conversation stands without it.
                case "reasoning" -> { }
                default -> throw bad("Invalid value for '" + path + ".type': '" + type + "'. This gateway supports input items "
                        + "of type 'message', 'function_call', 'function_call_output' and 'reasoning'.", path + ".type");
            }
        }
        return out;
    }

    private static String outputText(JsonNode output, String path) {
        if (output == null || output.isNull()) throw bad("Missing required parameter: '" + path + "'.", path);
        if (output.isTextual()) return output.asText();
        if (!output.isArray()) throw bad("Invalid type for '" + path + "': expected a string or an array of content parts.", path);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < output.size(); i++) {
            ContentPart part = parsePart(output.get(i), path + "[" + i + "]");
            if (!(part instanceof ContentPart.Text t)) {
                throw bad("Invalid value for '" + path + "[" + i + "]': only text parts are supported in a function call's "
                        + "output.", path + "[" + i + "]");
            }
            sb.append(t.text());
        }
        return sb.toString();
    }

    private static Message parseMessage(JsonNode item, String path) {
        String roleText = requiredString(item, "role", path + ".role");
        Role role = Role.parse(roleText).filter(r -> r != Role.TOOL).orElseThrow(() -> bad("Invalid value for '" + path
                + ".role': '" + roleText + "'. Supported values are: 'user', 'assistant', 'system' and 'developer'.", path + ".role"));
        JsonNode content = item.get("content");
        if (content == null || content.isNull()) throw bad("Missing required parameter: '" + path + ".content'.", path + ".content");
        if (content.isTextual()) return Message.of(role, content.asText());
        if (!content.isArray()) {
            throw bad("Invalid type for '" + path + ".content': expected a string or an array of content parts.", path + ".content");
        }
        List<ContentPart> parts = new ArrayList<>();
        Optional<String> refusal = Optional.empty();
        for (int i = 0; i < content.size(); i++) {
            String partPath = path + ".content[" + i + "]";
            JsonNode p = content.get(i);
            if (p.isObject() && "refusal".equals(p.path("type").asText())) {
                refusal = Optional.of(requiredString(p, "refusal", partPath + ".refusal"));
                continue;
            }
            parts.add(parsePart(p, partPath));
        }
        // An assistant's output_text parts are one answer: they join without a separator, as they were written.
        boolean isText = role == Role.ASSISTANT && parts.stream().allMatch(ContentPart.Text.class::isInstance);
        return new Message(role, parts, isText, Optional.empty(), List.of(), Optional.empty(), Optional.empty(), refusal);
    }

    private static ContentPart parsePart(JsonNode p, String path) {
        if (!p.isObject()) throw bad("Invalid type for '" + path + "': expected an object.", path);
        String type = requiredString(p, "type", path + ".type");
        return switch (type) {
            case "input_text", "output_text" -> new ContentPart.Text(requiredString(p, "text", path + ".text"));
            case "input_image" -> {
                if (present(p.get("file_id"))) {
                    throw bad("Invalid value for '" + path + ".file_id': files are not supported by this gateway: send the "
                            + "image as image_url (a URL or a data: URL).", path + ".file_id");
                }
                yield new ContentPart.Image(requiredString(p, "image_url", path + ".image_url"), optString(p, "detail", path + ".detail"));
            }
            default -> throw bad("Invalid value for '" + path + ".type': '" + type + "'. This gateway supports content parts "
                    + "of type 'input_text', 'input_image', 'output_text' and 'refusal'.", path + ".type");
        };
    }

    private static Tool parseTool(JsonNode t, String path) {
        if (!t.isObject()) throw bad("Invalid type for '" + path + "': expected an object.", path);
        String type = requiredString(t, "type", path + ".type");
        if (!type.equals("function")) {
            throw bad("Invalid value for '" + path + ".type': '" + type + "'. This gateway supports only 'function' tools "
                    + "(hosted tools run on OpenAI's servers).", path + ".type");
        }
        String name = requiredString(t, "name", path + ".name");
        JsonNode params = t.get("parameters");
        if (!present(params)) params = Json.object().put("type", "object").set("properties", Json.object());
        else if (!params.isObject()) throw bad("Invalid type for '" + path + ".parameters': expected an object.", path + ".parameters");
        Optional<Boolean> strict = present(t.get("strict")) ? Optional.of(t.get("strict").asBoolean()) : Optional.empty();
        return new Tool(name, optString(t, "description", path + ".description"), params, strict);
    }

    private static ObjectNode writeTool(Tool tool) {
        ObjectNode o = Json.object().put("type", "function").put("name", tool.name());
        tool.description().ifPresentOrElse(d -> o.put("description", d), () -> o.putNull("description"));
        o.set("parameters", tool.parameters());
        // As sent: the upstream gets no strict the client did not ask for, so the echo claims none either.
        tool.strict().ifPresentOrElse(v -> o.put("strict", v), () -> o.putNull("strict"));
        return o;
    }

    private static ToolChoice parseToolChoice(JsonNode c) {
        if (c.isTextual()) return OpenAiCodec.toolChoiceMode(c.asText());
        if (c.isObject() && "function".equals(c.path("type").asText()) && c.path("name").isTextual()) {
            return new ToolChoice.Named(c.get("name").asText());
        }
        throw bad("Invalid value for 'tool_choice': this gateway supports 'none', 'auto', 'required' and "
                + "{\"type\":\"function\",\"name\":...}.", "tool_choice");
    }

    private static ResponseFormat parseFormat(JsonNode f) {
        String path = "text.format";
        if (!f.isObject()) throw bad("Invalid type for '" + path + "': expected an object.", path);
        String type = requiredString(f, "type", path + ".type");
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                String name = requiredString(f, "name", path + ".name");
                JsonNode schema = f.get("schema");
                if (!present(schema)) throw bad("Missing required parameter: '" + path + ".schema'.", path + ".schema");
                if (!schema.isObject()) {
                    throw bad("Invalid type for '" + path + ".schema': expected an object, but got " + kind(schema) + ".", path + ".schema");
                }
                yield new ResponseFormat.JsonSchema(name, schema,
                        present(f.get("strict")) ? Optional.of(f.get("strict").asBoolean()) : Optional.empty(),
                        optString(f, "description", path + ".description"));
            }
            default -> throw bad("Invalid value for '" + path + ".type': '" + type
                    + "'. Supported values are: 'text', 'json_object' and 'json_schema'.", path + ".type");
        };
    }

    // ------------------------------------------------------------------ responses

    /** A new id with OpenAI's prefix for its kind ({@code resp}, {@code msg}, {@code fc}, {@code rs}). */
    public static String newId(String prefix) {
        byte[] bytes = new byte[24];
        ThreadLocalRandom.current().nextBytes(bytes);
        return prefix + "_" + HEX.formatHex(bytes);
    }

    /**
     * The response object.
     *
     * @param status {@code in_progress}, {@code completed} or {@code incomplete}
     * @param output the output items; {@code usage} is written as null when empty
     */
    public static ObjectNode writeResponse(String id, long createdAt, String model, String status, Optional<FinishReason> finish,
            ArrayNode output, Optional<Usage> usage, ObjectNode echo) {
        ObjectNode o = Json.object().put("id", id).put("object", "response").put("created_at", createdAt).put("status", status);
        o.putNull("error");
        Optional<String> incomplete = incompleteReason(finish);
        if (status.equals("incomplete") && incomplete.isPresent()) o.putObject("incomplete_details").put("reason", incomplete.get());
        else o.putNull("incomplete_details");
        o.put("model", model);
        o.set("output", output);
        o.setAll(echo);
        if (usage.isPresent()) o.set("usage", writeUsage(usage.get()));
        else o.putNull("usage");
        return o;
    }

    /** {@code completed}, or {@code incomplete} when the answer was cut (the output limit, a content filter). */
    public static String status(Optional<FinishReason> finish) {
        return incompleteReason(finish).isPresent() ? "incomplete" : "completed";
    }

    private static Optional<String> incompleteReason(Optional<FinishReason> finish) {
        return finish.flatMap(f -> switch (f) {
            case LENGTH -> Optional.of("max_output_tokens");
            case CONTENT_FILTER -> Optional.of("content_filter");
            default -> Optional.empty();
        });
    }

    /**
     * An answer message as output items: its reasoning, its text (or refusal) as one message, then each tool call. The
     * message's status is {@code incomplete} when the answer was cut ({@link #status}).
     */
    public static ArrayNode outputItems(Message m, Optional<FinishReason> finish) {
        String messageStatus = status(finish).equals("incomplete") ? "incomplete" : "completed";
        ArrayNode items = Json.NODES.arrayNode();
        m.reasoning().filter(r -> !r.isEmpty()).ifPresent(r -> items.add(reasoningItem(newId("rs"), r)));
        String text = m.text();
        if (!text.isEmpty() || m.refusal().isPresent() || m.toolCalls().isEmpty()) {
            ArrayNode content = Json.NODES.arrayNode();
            if (!text.isEmpty() || m.refusal().isEmpty()) content.add(textPart(text));
            if (m.refusal().isPresent()) content.add(refusalPart(m.refusal().get()));
            items.add(messageItem(newId("msg"), messageStatus, content));
        }
        for (ToolCall call : m.toolCalls()) items.add(functionCallItem(newId("fc"), call.id(), call.name(), call.arguments(), "completed"));
        return items;
    }

    /**
     * A request's input as the Responses API lists it ({@code GET /v1/responses/{id}/input_items}), each item with an id
     * of its own: messages with their text and image parts, an assistant's text and tool calls as output items, tool
     * results as {@code function_call_output}.
     */
    public static ArrayNode inputItems(List<Message> input) {
        ArrayNode items = Json.NODES.arrayNode();
        for (Message m : input) {
            switch (m.role()) {
                case ASSISTANT -> items.addAll(outputItems(m, Optional.empty()));
                case TOOL -> items.add(Json.object().put("type", "function_call_output").put("id", newId("fco"))
                        .put("call_id", m.toolCallId().orElse("")).put("output", m.text()).put("status", "completed"));
                default -> {
                    ObjectNode item = Json.object().put("type", "message").put("id", newId("msg")).put("role", m.role().wire())
                            .put("status", "completed");
                    ArrayNode content = item.putArray("content");
                    for (ContentPart p : m.content()) {
                        if (p instanceof ContentPart.Text t) content.add(Json.object().put("type", "input_text").put("text", t.text()));
                        if (p instanceof ContentPart.Image i) {
                            content.add(Json.object().put("type", "input_image").put("image_url", i.url())
                                    .put("detail", i.detail().orElse("auto")));
                        }
                    }
                    items.add(item);
                }
            }
        }
        return items;
    }

    /**
     * One page of a response's input items: {@code limit} of them in the asked order, after the item {@code after}
     * (400 naming {@code after} when the response has no such item).
     */
    public static ObjectNode itemPage(ArrayNode items, boolean ascending, Optional<String> after, int limit) {
        List<JsonNode> ordered = new ArrayList<>();
        items.forEach(ordered::add);
        if (!ascending) Collections.reverse(ordered);
        int from = 0;
        if (after.isPresent()) {
            int at = ListPage.indexOf(ordered, after.get());
            if (at < 0) throw bad("No input item with id '" + after.get() + "' in this response.", "after");
            from = at + 1;
        }
        return Json.object().put("object", "list").setAll(ListPage.of(ordered, from, ordered.size(), limit, false));
    }

    static ObjectNode messageItem(String id, String status, ArrayNode content) {
        ObjectNode o = Json.object().put("type", "message").put("id", id).put("status", status).put("role", "assistant");
        o.set("content", content);
        return o;
    }

    static ObjectNode textPart(String text) {
        ObjectNode o = Json.object().put("type", "output_text").put("text", text);
        o.putArray("annotations");
        o.putArray("logprobs");
        return o;
    }

    static ObjectNode refusalPart(String refusal) {
        return Json.object().put("type", "refusal").put("refusal", refusal);
    }

    static ObjectNode reasoningItem(String id, String text) {
        ObjectNode o = Json.object().put("type", "reasoning").put("id", id);
        o.putArray("summary");
        ArrayNode content = o.putArray("content");
        if (!text.isEmpty()) content.add(Json.object().put("type", "reasoning_text").put("text", text));
        return o;
    }

    static ObjectNode functionCallItem(String id, String callId, String name, String arguments, String status) {
        return Json.object().put("type", "function_call").put("id", id).put("call_id", callId).put("name", name)
                .put("arguments", arguments).put("status", status);
    }

    /** Usage in the Responses API's names: input and output tokens, with their cached and reasoning details. */
    public static ObjectNode writeUsage(Usage u) {
        ObjectNode o = Json.object().put("input_tokens", u.promptTokens());
        o.putObject("input_tokens_details").put("cached_tokens", u.cachedPromptTokens())
                .put("cache_write_tokens", u.cacheWriteTokens());
        o.put("output_tokens", u.completionTokens());
        o.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        o.put("total_tokens", u.totalTokens());
        return o;
    }
}
