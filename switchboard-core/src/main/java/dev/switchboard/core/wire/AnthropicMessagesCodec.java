package dev.switchboard.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Anthropic's Messages API as an ingress format: a client's {@code POST /v1/messages} body ⇄ the canonical
 * model, so Anthropic SDKs and tools work against any routed provider. References:
 * https://docs.anthropic.com/en/api/messages, https://docs.anthropic.com/en/api/messages-count-tokens,
 * https://docs.anthropic.com/en/api/models-list, https://docs.anthropic.com/en/api/errors.
 *
 * <p>{@code top_k}, {@code thinking}, {@code cache_control} (on system blocks, tools, text, image and tool_use blocks
 * and tool results), a tool result's {@code is_error} and signed or redacted thinking are carried canonically for the
 * Anthropic upstream; other upstreams have no place for them and do not get them. An assistant turn's blocks keep
 * their order (each tool_use's place among the text is a {@link ContentPart.ToolUse}), in requests and answers alike.
 * Document blocks (with their {@code citations: {enabled: true}}) are kept as raw content parts, which only the
 * Anthropic upstream sends on; the citations of an answer's text blocks come back on the same blocks, and go on to
 * the Anthropic upstream when a client sends them back. Streams are written by
 * {@link AnthropicStreamEncoder}.
 */
public final class AnthropicMessagesCodec {
    private AnthropicMessagesCodec() {}

    // ------------------------------------------------------------------ requests

    /** Validates and reads {@code POST /v1/messages}. Every problem is a 400 invalid_request_error. */
    public static ChatRequest parseRequest(JsonNode body) {
        return parse(body, true);
    }

    /** Reads {@code POST /v1/messages/count_tokens}: the same body without {@code max_tokens}. */
    public static ChatRequest parseCountTokensRequest(JsonNode body) {
        return parse(body, false);
    }

    /** Answers count_tokens: {@code {"input_tokens": n}}, counted with the gateway's tokenizer (an estimate). */
    public static ObjectNode countTokens(JsonNode body, TokenCounter tokens) {
        return Json.object().put("input_tokens", tokens.countPrompt(parseCountTokensRequest(body)));
    }

    private static ChatRequest parse(JsonNode body, boolean requireMaxTokens) {
        if (body == null || !body.isObject()) throw bad("The request body must be a JSON object.", null);
        ChatRequest.Builder b = ChatRequest.builder(requiredText(body, "model"));
        JsonNode maxTokens = body.get("max_tokens");
        if (present(maxTokens)) {
            b.maxTokens(integer(maxTokens, "max_tokens", "max_tokens", 1));
        } else if (requireMaxTokens) {
            throw bad("max_tokens: Field required", "max_tokens");
        }

        parseSystem(body.get("system")).ifPresent(b::message);
        JsonNode messages = body.get("messages");
        if (!present(messages)) throw bad("messages: Field required", "messages");
        if (!messages.isArray()) throw bad("messages: Input should be a valid list", "messages");
        if (messages.isEmpty()) throw bad("messages: at least one message is required", "messages");
        for (int i = 0; i < messages.size(); i++) {
            parseMessage(messages.get(i), "messages." + i, i == messages.size() - 1).forEach(b::message);
        }

        JsonNode tools = body.get("tools");
        if (present(tools)) {
            if (!tools.isArray()) throw bad("tools: Input should be a valid list", "tools");
            for (int i = 0; i < tools.size(); i++) b.tool(parseTool(tools.get(i), "tools." + i));
        }
        JsonNode toolChoice = body.get("tool_choice");
        if (present(toolChoice)) parseToolChoice(toolChoice, b);
        b.temperature(optNumber(body, "temperature", 0, 1));
        b.topP(optNumber(body, "top_p", 0, 1));
        JsonNode topK = body.get("top_k");
        if (present(topK)) {
            b.topK(OptionalInt.of(integer(topK, "top_k", "top_k", 0)));
        }
        JsonNode stop = body.get("stop_sequences");
        if (present(stop)) {
            if (!stop.isArray()) throw bad("stop_sequences: Input should be a valid list", "stop_sequences");
            List<String> stops = new ArrayList<>();
            for (int i = 0; i < stop.size(); i++) {
                if (!stop.get(i).isTextual()) throw bad("stop_sequences." + i + ": Input should be a valid string", "stop_sequences");
                stops.add(stop.get(i).asText());
            }
            b.stop(stops);
        }
        JsonNode metadata = body.get("metadata");
        if (present(metadata)) {
            if (!metadata.isObject()) throw bad("metadata: Input should be a valid dictionary", "metadata");
            JsonNode userId = metadata.get("user_id");
            if (present(userId)) {
                if (!userId.isTextual()) throw bad("metadata.user_id: Input should be a valid string", "metadata.user_id");
                b.user(userId.asText());
            }
        }
        JsonNode stream = body.get("stream");
        if (present(stream)) {
            if (!stream.isBoolean()) throw bad("stream: Input should be a valid boolean", "stream");
            b.stream(stream.asBoolean());
        }
        JsonNode thinking = body.get("thinking");
        if (present(thinking) && !thinking.isObject()) throw bad("thinking: Input should be a valid dictionary", "thinking");
        if (present(thinking) && "enabled".equals(thinking.path("type").asText())) checkThinkingBudget(thinking, body.path("max_tokens"));
        if (present(thinking)) b.thinking(thinking);
        ChatRequest request = b.includeUsage(true).build();
        request.toolChoice().flatMap(c -> c.unmetBy(request.tools())).ifPresent(why -> {
            throw bad("tool_choice: " + why, "tool_choice");
        });
        return request;
    }

    /**
     * An integer field at least {@code min}, in the API's words. A whole number past int's range (3000000000, 1e20)
     * is too large (or too small), not of the wrong type.
     */
    private static int integer(JsonNode v, String name, String param, int min) {
        if (!v.canConvertToInt() && OpenAiCodec.wholeNumber(v)) {
            throw bad(name + ": Input should be " + (v.decimalValue().signum() > 0
                    ? "less than or equal to " + Integer.MAX_VALUE : "greater than or equal to " + min), param);
        }
        if (!v.isIntegralNumber()) throw bad(name + ": Input should be a valid integer", param);
        if (v.asInt() < min) throw bad(name + ": Input should be greater than or equal to " + min, param);
        return v.asInt();
    }

    /** Extended thinking's budget, as the Messages API bounds it: at least 1,024 tokens and less than {@code max_tokens}. */
    private static void checkThinkingBudget(JsonNode thinking, JsonNode maxTokens) {
        JsonNode budget = thinking.get("budget_tokens");
        if (!present(budget)) throw bad("thinking.enabled.budget_tokens: Field required", "thinking.budget_tokens");
        integer(budget, "thinking.enabled.budget_tokens", "thinking.budget_tokens", 1024);
        if (maxTokens.isIntegralNumber() && budget.asInt() >= maxTokens.asInt()) {
            throw bad("`max_tokens` must be greater than `thinking.budget_tokens` (" + budget.asInt() + "): the budget is "
                    + "part of max_tokens.", "max_tokens");
        }
    }

    private static Optional<Message> parseSystem(JsonNode system) {
        if (!present(system)) return Optional.empty();
        if (system.isTextual()) return system.asText().isEmpty() ? Optional.empty() : Optional.of(Message.system(system.asText()));
        if (!system.isArray()) throw bad("system: Input should be a valid string or a list of text blocks", "system");
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            String path = "system." + i;
            if (!block.isObject() || !"text".equals(block.path("type").asText())) {
                throw bad(path + ": system blocks must be text blocks ({\"type\":\"text\",\"text\":...})", path);
            }
            parts.add(new ContentPart.Text(requiredText(block, "text", path + ".text"), cacheControl(block, path)));
        }
        if (parts.isEmpty()) return Optional.empty();
        return Optional.of(new Message(Role.SYSTEM, parts, false, Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty()));
    }

    /**
     * One Anthropic turn becomes one or more canonical messages: tool results are their own messages. Content must not
     * be empty, except in a final assistant turn (the API reads that as no prefill): dropping an empty final user turn
     * instead would turn the assistant turn before it into a prefill.
     */
    private static List<Message> parseMessage(JsonNode m, String path, boolean last) {
        if (!m.isObject()) throw bad(path + ": Input should be a valid dictionary", path);
        String role = requiredText(m, "role", path + ".role");
        if (role.equals("system")) {
            throw bad(path + ".role: Unexpected role \"system\". The Messages API accepts a top-level `system` "
                    + "parameter, not \"system\" as an input message role.", path + ".role");
        }
        if (!role.equals("user") && !role.equals("assistant")) {
            throw bad(path + ".role: Input should be 'user' or 'assistant'", path + ".role");
        }
        JsonNode content = m.get("content");
        if (!present(content)) throw bad(path + ".content: Field required", path + ".content");
        boolean empty = content.isTextual() ? content.asText().isEmpty() : content.isArray() && content.isEmpty();
        if (empty && !(last && role.equals("assistant"))) {
            throw bad(path + ": all messages must have non-empty content except for the optional final assistant message",
                    path + ".content");
        }
        if (content.isTextual()) {
            return List.of(role.equals("user") ? Message.user(content.asText()) : Message.assistant(content.asText()));
        }
        if (!content.isArray()) throw bad(path + ".content: Input should be a valid string or a list of content blocks",
                path + ".content");
        return role.equals("user") ? userMessages(content, path) : List.of(assistantMessage(content, path));
    }

    private static List<Message> userMessages(JsonNode content, String path) {
        List<Message> out = new ArrayList<>();
        List<ContentPart> pending = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String bp = path + ".content." + i;
            String type = blockType(block, bp);
            switch (type) {
                case "text" -> pending.add(textBlock(block, bp));
                case "image" -> pending.add(image(block, bp));
                case "document", "search_result" -> pending.add(new ContentPart.Other(type, block));
                case "tool_result" -> {
                    flushUser(out, pending);
                    out.add(toolResult(block, bp));
                }
                case "tool_use", "thinking", "redacted_thinking" -> throw bad(bp + ": '" + type
                        + "' blocks are only allowed in assistant messages", bp + ".type");
                default -> throw bad(bp + ": unsupported content block type '" + type + "'", bp + ".type");
            }
        }
        flushUser(out, pending);
        return out;
    }

    private static void flushUser(List<Message> out, List<ContentPart> pending) {
        if (pending.isEmpty()) return;
        out.add(new Message(Role.USER, List.copyOf(pending), false, Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        pending.clear();
    }

    private static Message toolResult(JsonNode block, String path) {
        String id = requiredText(block, "tool_use_id", path + ".tool_use_id");
        JsonNode content = block.get("content");
        List<ContentPart> parts = new ArrayList<>();
        boolean isText = true;
        if (!present(content)) {
            parts.add(new ContentPart.Text(""));
        } else if (content.isTextual()) {
            parts.add(new ContentPart.Text(content.asText()));
        } else if (content.isArray()) {
            isText = false;
            for (int i = 0; i < content.size(); i++) {
                JsonNode inner = content.get(i);
                String ip = path + ".content." + i;
                switch (blockType(inner, ip)) {
                    case "text" -> parts.add(new ContentPart.Text(requiredText(inner, "text", ip + ".text"),
                            cacheControl(inner, ip)));
                    case "image" -> parts.add(image(inner, ip));
                    default -> parts.add(new ContentPart.Other(inner.path("type").asText(), inner));
                }
            }
        } else {
            throw bad(path + ".content: Input should be a valid string or a list of content blocks", path + ".content");
        }
        JsonNode isError = block.get("is_error");
        if (present(isError) && !isError.isBoolean()) throw bad(path + ".is_error: Input should be a valid boolean", path + ".is_error");
        return new Message(Role.TOOL, parts, isText, Optional.empty(), List.of(), Optional.of(id), Optional.empty(),
                Optional.empty(), present(isError) && isError.asBoolean(), cacheControl(block, path));
    }

    private static Message assistantMessage(JsonNode content, String path) {
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        StringBuilder reasoning = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String bp = path + ".content." + i;
            String type = blockType(block, bp);
            switch (type) {
                case "text" -> parts.add(textBlock(block, bp));
                case "tool_use" -> {
                    JsonNode input = block.get("input");
                    if (!present(input) || !input.isObject()) throw bad(bp + ".input: Input should be a valid dictionary", bp + ".input");
                    parts.add(new ContentPart.ToolUse(calls.size(), cacheControl(block, bp)));
                    calls.add(new ToolCall(requiredText(block, "id", bp + ".id"), requiredText(block, "name", bp + ".name"),
                            Json.text(input)));
                }
                case "thinking" -> {
                    reasoning.append(requiredText(block, "thinking", bp + ".thinking"));
                    // Only a signed block can go back to Anthropic; an unsigned one is reasoning text only.
                    String signature = block.path("signature").asText("");
                    if (!signature.isEmpty()) parts.add(new ContentPart.Thinking(block.get("thinking").asText(), signature));
                }
                case "redacted_thinking" -> parts.add(new ContentPart.RedactedThinking(requiredText(block, "data", bp + ".data")));
                case "tool_result", "image", "document" -> throw bad(bp + ": '" + type
                        + "' blocks are only allowed in user messages", bp + ".type");
                default -> throw bad(bp + ": unsupported content block type '" + type + "'", bp + ".type");
            }
        }
        return new Message(Role.ASSISTANT, parts, false, Optional.empty(), calls, Optional.empty(),
                reasoning.isEmpty() ? Optional.empty() : Optional.of(reasoning.toString()), Optional.empty());
    }

    /**
     * A text block of a message; the API refuses an empty one. Its citations (an earlier answer's, sent back) are kept
     * as they came, for the Anthropic upstream.
     */
    private static ContentPart textBlock(JsonNode block, String path) {
        String text = requiredText(block, "text", path + ".text");
        if (text.isEmpty()) throw bad(path + ".text: text content blocks must be non-empty", path + ".text");
        return new ContentPart.Text(text, cacheControl(block, path), citations(block, path));
    }

    private static List<JsonNode> citations(JsonNode block, String path) {
        JsonNode c = block.get("citations");
        if (!present(c)) return List.of();
        if (!c.isArray()) throw bad(path + ".citations: Input should be a valid list", path + ".citations");
        List<JsonNode> out = new ArrayList<>(c.size());
        for (int i = 0; i < c.size(); i++) {
            if (!c.get(i).isObject()) throw bad(path + ".citations." + i + ": Input should be a valid dictionary", path + ".citations");
            out.add(c.get(i));
        }
        return out;
    }

    private static Optional<JsonNode> cacheControl(JsonNode block, String path) {
        JsonNode c = block.get("cache_control");
        if (!present(c)) return Optional.empty();
        if (!c.isObject()) throw bad(path + ".cache_control: Input should be a valid dictionary", path + ".cache_control");
        return Optional.of(c);
    }

    /** base64 sources become data URLs (the canonical image form); url sources stay URLs. */
    private static ContentPart image(JsonNode block, String path) {
        JsonNode source = block.get("source");
        if (!present(source) || !source.isObject()) throw bad(path + ".source: Field required", path + ".source");
        String type = requiredText(source, "type", path + ".source.type");
        return switch (type) {
            case "base64" -> new ContentPart.Image("data:" + requiredText(source, "media_type", path + ".source.media_type")
                    + ";base64," + requiredText(source, "data", path + ".source.data"), Optional.empty(),
                    cacheControl(block, path));
            case "url" -> new ContentPart.Image(requiredText(source, "url", path + ".source.url"), Optional.empty(),
                    cacheControl(block, path));
            default -> throw bad(path + ".source.type: image sources of type '" + type + "' are not supported; use "
                    + "'base64' or 'url'", path + ".source.type");
        };
    }

    private static Tool parseTool(JsonNode t, String path) {
        if (!t.isObject()) throw bad(path + ": Input should be a valid dictionary", path);
        JsonNode type = t.get("type");
        if (present(type) && !(type.isTextual() && type.asText().equals("custom"))) {
            throw new GatewayException.Unsupported(path + ".type: server tools ('" + type.asText()
                    + "') are not supported by this gateway; define client tools with name and input_schema", path + ".type");
        }
        String name = requiredText(t, "name", path + ".name");
        JsonNode schema = t.get("input_schema");
        if (!present(schema)) throw bad(path + ".input_schema: Field required", path + ".input_schema");
        if (!schema.isObject()) throw bad(path + ".input_schema: Input should be a valid dictionary", path + ".input_schema");
        JsonNode description = t.get("description");
        if (present(description) && !description.isTextual()) {
            throw bad(path + ".description: Input should be a valid string", path + ".description");
        }
        return new Tool(name, present(description) ? Optional.of(description.asText()) : Optional.empty(), schema,
                Optional.empty(), cacheControl(t, path));
    }

    private static void parseToolChoice(JsonNode c, ChatRequest.Builder b) {
        if (!c.isObject()) throw bad("tool_choice: Input should be a valid dictionary", "tool_choice");
        String type = requiredText(c, "type", "tool_choice.type");
        b.toolChoice(switch (type) {
            case "auto" -> new ToolChoice.Auto();
            case "any" -> new ToolChoice.Required();
            case "none" -> new ToolChoice.None();
            case "tool" -> new ToolChoice.Named(requiredText(c, "name", "tool_choice.name"));
            default -> throw bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'", "tool_choice.type");
        });
        JsonNode disable = c.get("disable_parallel_tool_use");
        if (present(disable)) {
            if (!disable.isBoolean()) {
                throw bad("tool_choice.disable_parallel_tool_use: Input should be a valid boolean", "tool_choice");
            }
            if (disable.asBoolean()) b.parallelToolCalls(false);
        }
    }

    // ------------------------------------------------------------------ responses

    /** A complete answer as a Messages API {@code message} object. Only the first choice is written. */
    public static ObjectNode writeResponse(ChatResponse r) {
        ObjectNode o = Json.object();
        o.put("id", messageId(r.id()));
        o.put("type", "message");
        o.put("role", "assistant");
        o.put("model", r.model());
        ArrayNode content = o.putArray("content");
        Optional<Choice> choice = r.choices().stream().findFirst();
        Message m = choice.map(Choice::message).orElse(Message.assistant(""));
        // Blocks in the answer's order. Anthropic's thinking comes signed, so a client can send it back; reasoning from
        // elsewhere is an unsigned thinking block first.
        boolean signed = m.content().stream()
                .anyMatch(p -> p instanceof ContentPart.Thinking || p instanceof ContentPart.RedactedThinking);
        if (!signed) m.reasoning().filter(t -> !t.isEmpty()).ifPresent(t -> content.add(thinkingBlock(t, "")));
        if (m.text().isEmpty()) m.refusal().filter(t -> !t.isEmpty()).ifPresent(t -> content.add(textBlock(t)));
        for (ContentPart part : m.contentWithCalls()) {
            switch (part) {
                case ContentPart.Thinking t -> content.add(thinkingBlock(t.thinking(), t.signature()));
                case ContentPart.RedactedThinking x -> content.add(Json.object().put("type", "redacted_thinking")
                        .put("data", x.data()));
                case ContentPart.Text t when !t.text().isEmpty() -> content.add(textBlock(t));
                case ContentPart.ToolUse u -> content.add(toolUseBlock(m.toolCalls().get(u.call())));
                default -> { }
            }
        }
        Optional<FinishReason> finish = choice.flatMap(Choice::finishReason);
        Optional<String> stopSequence = choice.flatMap(Choice::stopSequence);
        String stopReason = stopReason(finish, !m.toolCalls().isEmpty(), stopSequence);
        o.put("stop_reason", stopReason);
        if (stopReason.equals("stop_sequence")) o.put("stop_sequence", stopSequence.get());
        else o.putNull("stop_sequence");
        o.set("usage", writeUsage(r.usage().orElse(Usage.ZERO)));
        return o;
    }

    private static ObjectNode textBlock(String text) {
        return Json.object().put("type", "text").put("text", text);
    }

    /** A text part with its citations, when it has any (an uncited block has no {@code citations}, as Anthropic writes it). */
    private static ObjectNode textBlock(ContentPart.Text t) {
        ObjectNode block = textBlock(t.text());
        if (!t.citations().isEmpty()) block.putArray("citations").addAll(t.citations());
        return block;
    }

    private static ObjectNode toolUseBlock(ToolCall call) {
        return Json.object().put("type", "tool_use").put("id", call.id()).put("name", call.name()).set("input", toolInput(call));
    }

    /** An empty signature marks reasoning from another provider: Anthropic cannot verify it. */
    static ObjectNode thinkingBlock(String text, String signature) {
        return Json.object().put("type", "thinking").put("thinking", text).put("signature", signature);
    }

    private static JsonNode toolInput(ToolCall call) {
        if (call.arguments() == null || call.arguments().isBlank()) return Json.object();
        try {
            JsonNode node = Json.MAPPER.readTree(call.arguments());
            if (node != null && node.isObject()) return node;
        } catch (IOException e) {
            // fall through
        }
        throw new GatewayException.UpstreamError("the model returned arguments for tool '" + call.name()
                + "' that are not a JSON object", 502, null);
    }

    /**
     * Canonical finish reasons in Anthropic's words. A reply with tool calls is {@code tool_use} whatever the
     * upstream said (OpenAI reports {@code stop} for a forced tool call), unless it was cut off. A stop is
     * {@code stop_sequence} only when the upstream said which sequence matched (OpenAI does not).
     */
    public static String stopReason(Optional<FinishReason> finish, boolean hasToolCalls, Optional<String> stopSequence) {
        FinishReason f = finish.orElse(FinishReason.STOP);
        if (hasToolCalls && f != FinishReason.LENGTH) return "tool_use";
        return switch (f) {
            case STOP -> stopSequence.isPresent() ? "stop_sequence" : "end_turn";
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
            case CONTENT_FILTER -> "refusal";
        };
    }

    /** Anthropic's input_tokens exclude cache reads and writes; the canonical prompt count includes them. */
    public static ObjectNode writeUsage(Usage u) {
        ObjectNode o = Json.object();
        o.put("input_tokens", Math.max(0, u.promptTokens() - u.cachedPromptTokens() - u.cacheWriteTokens()));
        o.put("cache_creation_input_tokens", u.cacheWriteTokens());
        o.put("cache_read_input_tokens", u.cachedPromptTokens());
        o.put("output_tokens", u.completionTokens());
        return o;
    }

    static String messageId(String id) {
        return id == null || id.isBlank() ? "msg_" + java.util.UUID.randomUUID().toString().replace("-", "") : id;
    }

    // ------------------------------------------------------------------ errors

    /** {@code {"type":"error","error":{"type","message"}}}. */
    public static ObjectNode writeError(GatewayException e) {
        ObjectNode o = Json.object().put("type", "error");
        o.putObject("error").put("type", errorType(e)).put("message", e.getMessage());
        return o;
    }

    /** Anthropic's error type for a gateway error. */
    public static String errorType(GatewayException e) {
        return switch (e) {
            case GatewayException.BadRequest x -> "invalid_request_error";
            case GatewayException.ContextWindowExceeded x -> "invalid_request_error";
            case GatewayException.ContentFiltered x -> "invalid_request_error";
            case GatewayException.Unsupported x -> "invalid_request_error";
            case GatewayException.AuthenticationFailed x -> "authentication_error";
            case GatewayException.PermissionDenied x -> "permission_error";
            case GatewayException.NotFound x -> "not_found_error";
            case GatewayException.MethodNotAllowed x -> "invalid_request_error";
            case GatewayException.PayloadTooLarge x -> "request_too_large";
            case GatewayException.RateLimited x -> "rate_limit_error";
            case GatewayException.Overloaded x -> "overloaded_error";
            case GatewayException.BuffersFull x -> "overloaded_error";
            case GatewayException.UpstreamTimeout x -> "timeout_error";
            case GatewayException.UpstreamError x -> "api_error";
            case GatewayException.ConnectionFailed x -> "api_error";
            case GatewayException.Internal x -> "api_error";
            case GatewayException.ClientClosed x -> "invalid_request_error";
        };
    }

    /** The HTTP status an Anthropic client expects: the gateway's, except overloaded, which Anthropic sends as 529. */
    public static int status(GatewayException e) {
        return e instanceof GatewayException.Overloaded || e instanceof GatewayException.BuffersFull ? 529 : e.status();
    }

    /** The {@code retry-after} value in whole seconds (rounded up, at least 1), when the error carries one. */
    public static OptionalInt retryAfterSeconds(GatewayException e) {
        if (e.retryAfter().isEmpty()) return OptionalInt.empty();
        return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, e.retryAfterSeconds().getAsLong()));
    }

    // ------------------------------------------------------------------ models

    /** One {@code GET /v1/models} item: {@code {"type":"model","id","display_name","created_at","lifecycle"}}. */
    public static ObjectNode modelItem(String id, String displayName, Instant createdAt) {
        return modelItem(id, displayName, createdAt, OptionalInt.empty(), OptionalInt.empty());
    }

    /** A model item that also states its context window ({@code max_input_tokens}) and output limit ({@code max_tokens}). */
    public static ObjectNode modelItem(String id, String displayName, Instant createdAt, OptionalInt maxInputTokens,
            OptionalInt maxOutputTokens) {
        ObjectNode o = Json.object().put("type", "model").put("id", id).put("display_name", displayName)
                .put("created_at", DateTimeFormatter.ISO_INSTANT.format(createdAt)).put("lifecycle", "active");
        maxInputTokens.ifPresent(n -> o.put("max_input_tokens", n));
        maxOutputTokens.ifPresent(n -> o.put("max_tokens", n));
        return o;
    }

    /** The list page: {@code {"data":[...],"has_more":false,"first_id","last_id"}} (one page holds every model). */
    public static ObjectNode modelList(List<ObjectNode> items) {
        return modelPage(items, Optional.empty(), Optional.empty(), Integer.MAX_VALUE);
    }

    /**
     * One page of the model list, as Anthropic pages it: up to {@code limit} items after {@code afterId}, or the last
     * {@code limit} before {@code beforeId}, with {@code has_more} saying whether more lie that way.
     */
    public static ObjectNode modelPage(List<ObjectNode> all, Optional<String> afterId, Optional<String> beforeId, int limit) {
        if (afterId.isPresent() && beforeId.isPresent()) {
            throw new GatewayException.BadRequest("after_id and before_id cannot be used together.", "after_id");
        }
        int from = 0;
        int to = all.size();
        if (afterId.isPresent()) from = indexOf(all, afterId.get(), "after_id") + 1;
        if (beforeId.isPresent()) to = indexOf(all, beforeId.get(), "before_id");
        return ListPage.of(all, from, to, limit, beforeId.isPresent());
    }

    private static int indexOf(List<ObjectNode> items, String id, String param) {
        int at = ListPage.indexOf(items, id);
        if (at < 0) throw new GatewayException.BadRequest(param + ": no model with id '" + id + "'.", param);
        return at;
    }

    // ------------------------------------------------------------------ helpers

    private static String blockType(JsonNode block, String path) {
        if (!block.isObject()) throw bad(path + ": Input should be a valid dictionary", path);
        return requiredText(block, "type", path + ".type");
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    private static GatewayException.BadRequest bad(String message, String param) {
        return new GatewayException.BadRequest(message, param);
    }

    private static String requiredText(JsonNode o, String field) {
        return requiredText(o, field, field);
    }

    private static String requiredText(JsonNode o, String field, String path) {
        JsonNode v = o.get(field);
        if (!present(v)) throw bad(path + ": Field required", path);
        if (!v.isTextual()) throw bad(path + ": Input should be a valid string", path);
        return v.asText();
    }

    private static OptionalDouble optNumber(JsonNode o, String field, double min, double max) {
        JsonNode v = o.get(field);
        if (!present(v)) return OptionalDouble.empty();
        if (!v.isNumber()) throw bad(field + ": Input should be a valid number", field);
        double d = v.asDouble();
        if (d < min || d > max) throw bad(field + ": Input should be between " + min + " and " + max, field);
        return OptionalDouble.of(d);
    }
}
