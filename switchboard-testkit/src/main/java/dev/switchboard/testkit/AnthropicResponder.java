package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.wire.AnthropicMessagesCodec;
import dev.switchboard.core.wire.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Anthropic's Messages API as a deterministic fake: {@code POST /v1/messages} (JSON, and SSE with the full
 * event grammar: message_start, ping, content_block_start / delta / stop, message_delta, message_stop),
 * {@code POST /v1/messages/count_tokens}, {@code GET /v1/models[/{id}]}. References:
 * https://docs.anthropic.com/en/api/messages, https://docs.anthropic.com/en/docs/build-with-claude/streaming,
 * https://docs.anthropic.com/en/api/errors.
 *
 * <p>Like the real API it wants {@code anthropic-version} and a key ({@code x-api-key}, or a bearer token),
 * and rejects a body without {@code max_tokens}. The text is {@code "echo: <last user text>"} (or of the last
 * tool result), cut at a stop sequence ({@code stop_sequence}) or at {@code max_tokens}; with tools it answers
 * {@code tool_use} blocks with inputs built from their schemas (forced by {@code tool_choice}, one only when
 * parallel use is disabled). Prompt caching is modelled: a prompt marked with {@code cache_control} — on a
 * system block, or at the top level for the whole conversation before the last turn — is reported as
 * {@code cache_creation_input_tokens} the first time and {@code cache_read_input_tokens} afterwards.
 * Usage is counted with the real tokenizer.
 */
public final class AnthropicResponder implements Responder {
    private static final String MESSAGES = "/v1/messages";
    private static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    private static final String MODELS = "/v1/models";
    private static final Instant MODELS_CREATED = Instant.parse("2025-09-29T00:00:00Z");
    /** Shared: loading the tokenizer's vocabulary is slow, and it is immutable once loaded. */
    private static final TokenCounter TOKENS = new TokenCounter();

    private final List<String> models;
    private final AtomicLong sequence = new AtomicLong();
    private final Set<String> cachedPrefixes = ConcurrentHashMap.newKeySet();

    public AnthropicResponder() {
        this(List.of("claude-haiku-4-5", "claude-sonnet-4-5"));
    }

    /** @param models what {@code /v1/models} lists */
    public AnthropicResponder(List<String> models) {
        this.models = List.copyOf(models);
    }

    /** The answer's ending: Anthropic's stop reason and the stop sequence that matched, if any. */
    private record Ending(String stopReason, Optional<String> stopSequence) {}

    @Override
    public void respond(RecordedRequest request, UpstreamExchange exchange) {
        String route = request.method() + " " + request.path();
        try {
            if (request.headers().first("x-api-key").or(() -> request.headers().first("authorization")).isEmpty()) {
                exchange.json(401, error("authentication_error", "x-api-key header is required"));
            } else if (request.headers().first("anthropic-version").isEmpty()) {
                exchange.json(400, error("invalid_request_error", "anthropic-version: header is required"));
            } else if (route.equals("POST " + MESSAGES)) {
                messages(request, exchange);
            } else if (route.equals("POST " + COUNT_TOKENS)) {
                ChatRequest chat = AnthropicMessagesCodec.parseCountTokensRequest(Json.parseBody(request.body()));
                exchange.json(200, Json.bytes(Json.object().put("input_tokens", TOKENS.countPrompt(chat))));
            } else if (route.equals("GET " + MODELS)) {
                exchange.json(200, Json.bytes(AnthropicMessagesCodec.modelList(models.stream().map(AnthropicResponder::modelItem).toList())));
            } else if (request.method().equals("GET") && request.path().startsWith(MODELS + "/")) {
                String id = request.path().substring(MODELS.length() + 1);
                if (models.contains(id)) exchange.json(200, Json.bytes(modelItem(id)));
                else exchange.error(404, "model: " + id);
            } else {
                exchange.error(404, "Not found");
            }
        } catch (GatewayException e) {
            exchange.json(AnthropicMessagesCodec.status(e), error(AnthropicMessagesCodec.errorType(e), e.getMessage()));
        }
    }

    /**
     * A responder that streams the given events, whatever the request: each a JSON {@code data} line, framed as an SSE
     * event named by its {@code type}. For streams this fake never sends (signatures, citations, broken grammar);
     * errors, keep-alives and malformed events are this fake's.
     */
    public static Responder streaming(Function<RecordedRequest, List<String>> events) {
        AnthropicResponder fake = new AnthropicResponder();
        return new Responder() {
            @Override
            public void respond(RecordedRequest request, UpstreamExchange exchange) {
                List<byte[]> framed = new ArrayList<>();
                for (String data : events.apply(request)) {
                    String type = Json.parseBody(data.getBytes(StandardCharsets.UTF_8)).get("type").asText();
                    framed.add(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                exchange.stream("text/event-stream; charset=utf-8", framed, Optional.empty());
            }

            @Override
            public byte[] errorBody(int status, String message) {
                return fake.errorBody(status, message);
            }

            @Override
            public byte[] malformedEvent() {
                return fake.malformedEvent();
            }

            @Override
            public byte[] keepAlive() {
                return fake.keepAlive();
            }
        };
    }

    @Override
    public byte[] errorBody(int status, String message) {
        return error(errorType(status), message);
    }

    @Override
    public byte[] malformedEvent() {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"tru\n\n"
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] keepAlive() {
        return ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    }

    /** Anthropic's error type for an HTTP status, as its error reference lists them. */
    static String errorType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    private byte[] error(String type, String message) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", "req_fake" + sequence.incrementAndGet());
        return Json.bytes(body);
    }

    private static ObjectNode modelItem(String id) {
        return AnthropicMessagesCodec.modelItem(id, id, MODELS_CREATED);
    }

    // ------------------------------------------------------------------ messages

    private void messages(RecordedRequest wire, UpstreamExchange exchange) {
        JsonNode body = Json.parseBody(wire.body());
        ChatRequest request = AnthropicMessagesCodec.parseRequest(body);
        long n = sequence.incrementAndGet();
        String id = "msg_fake" + n;
        List<ToolCall> calls = toolCalls(request, n);
        EchoAnswer answer = calls.isEmpty()
                ? EchoAnswer.of(text(request), request.stop(), request.maxTokens(), TOKENS)
                : new EchoAnswer("", Optional.empty(), false);
        Ending ending = !calls.isEmpty() ? new Ending("tool_use", Optional.empty())
                : answer.cutByLimit() ? new Ending("max_tokens", Optional.empty())
                : answer.stopSequence().isPresent() ? new Ending("stop_sequence", answer.stopSequence())
                : new Ending("end_turn", Optional.empty());
        int output = TOKENS.count(answer.text());
        for (ToolCall c : calls) output += TOKENS.count(c.name()) + TOKENS.count(c.arguments());
        ObjectNode usage = usage(body, request, output);

        if (!request.stream()) {
            ObjectNode message = message(id, request.model(), usage);
            ArrayNode content = message.putArray("content");
            if (!answer.text().isEmpty()) content.add(Json.object().put("type", "text").put("text", answer.text()));
            for (ToolCall c : calls) content.add(toolUse(c, Json.parseBody(c.arguments().getBytes(StandardCharsets.UTF_8))));
            message.put("stop_reason", ending.stopReason());
            ending.stopSequence().ifPresentOrElse(s -> message.put("stop_sequence", s), () -> message.putNull("stop_sequence"));
            exchange.json(200, Json.bytes(message));
            return;
        }

        List<byte[]> events = new ArrayList<>();
        ObjectNode startUsage = usage.deepCopy().put("output_tokens", 1);
        ObjectNode start = message(id, request.model(), startUsage);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        events.add(event("message_start", Json.object().put("type", "message_start").set("message", start)));
        events.add(event("ping", Json.object().put("type", "ping")));
        int index = 0;
        if (!answer.text().isEmpty()) {
            events.add(blockStart(index, Json.object().put("type", "text").put("text", "")));
            for (String piece : EchoAnswer.pieces(answer.text())) {
                events.add(blockDelta(index, Json.object().put("type", "text_delta").put("text", piece)));
            }
            events.add(blockStop(index++));
        }
        for (ToolCall c : calls) {
            events.add(blockStart(index, toolUse(c, Json.object())));
            String args = c.arguments();
            int half = args.length() / 2;
            for (String part : List.of("", args.substring(0, half), args.substring(half))) {
                events.add(blockDelta(index, Json.object().put("type", "input_json_delta").put("partial_json", part)));
            }
            events.add(blockStop(index++));
        }
        ObjectNode delta = Json.object().put("stop_reason", ending.stopReason());
        ending.stopSequence().ifPresentOrElse(s -> delta.put("stop_sequence", s), () -> delta.putNull("stop_sequence"));
        ObjectNode messageDelta = Json.object().put("type", "message_delta");
        messageDelta.set("delta", delta);
        messageDelta.set("usage", Json.object().put("output_tokens", output));
        events.add(event("message_delta", messageDelta));
        exchange.stream("text/event-stream; charset=utf-8", events,
                Optional.of(event("message_stop", Json.object().put("type", "message_stop"))));
    }

    private static ObjectNode message(String id, String model, ObjectNode usage) {
        ObjectNode m = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        m.set("usage", usage);
        return m;
    }

    private static ObjectNode toolUse(ToolCall call, JsonNode input) {
        ObjectNode block = Json.object().put("type", "tool_use").put("id", call.id()).put("name", call.name());
        block.set("input", input);
        return block;
    }

    /** Usage as the API reports it: input_tokens exclude the tokens written to or read from the cache. */
    private ObjectNode usage(JsonNode body, ChatRequest request, int output) {
        int prompt = TOKENS.countPrompt(request);
        int creation = 0;
        int read = 0;
        Optional<String> prefix = cachedPrefix(body);
        if (prefix.isPresent()) {
            int cached = Math.min(prompt, TOKENS.count(prefix.get()));
            if (cachedPrefixes.add(prefix.get())) creation = cached;
            else read = cached;
        }
        return Json.object().put("input_tokens", prompt - creation - read).put("cache_creation_input_tokens", creation)
                .put("cache_read_input_tokens", read).put("output_tokens", output).put("service_tier", "standard");
    }

    /**
     * The prompt prefix a {@code cache_control} marker covers: everything before the last turn for a top-level
     * marker (automatic caching), else the system prompt when one of its blocks is marked.
     */
    private static Optional<String> cachedPrefix(JsonNode body) {
        if (body.path("cache_control").isObject()) {
            JsonNode messages = body.path("messages");
            StringBuilder prefix = new StringBuilder(body.path("system").toString());
            for (int i = 0; i < messages.size() - 1; i++) prefix.append(messages.get(i));
            return prefix.isEmpty() ? Optional.empty() : Optional.of(prefix.toString());
        }
        for (JsonNode block : body.path("system")) {
            if (block.path("cache_control").isObject()) return Optional.of(body.path("system").toString());
        }
        return Optional.empty();
    }

    private static String text(ChatRequest request) {
        Message last = request.messages().getLast();
        return "echo: " + (last.role() == Role.TOOL ? last.text() : request.lastUserText());
    }

    private static List<ToolCall> toolCalls(ChatRequest request, long n) {
        if (request.tools().isEmpty() || request.messages().getLast().role() == Role.TOOL) return List.of();
        boolean parallel = request.parallelToolCalls().orElse(true);
        List<Tool> chosen = switch (request.toolChoice().orElse(new ToolChoice.Auto())) {
            case ToolChoice.None none -> List.of();
            case ToolChoice.Named named -> request.tools().stream().filter(t -> t.name().equals(named.name())).limit(1).toList();
            case ToolChoice.Auto a -> parallel ? request.tools() : request.tools().subList(0, 1);
            case ToolChoice.Required r -> parallel ? request.tools() : request.tools().subList(0, 1);
        };
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            Tool t = chosen.get(i);
            calls.add(new ToolCall("toolu_fake" + n + "_" + i, t.name(),
                    Json.text(OpenAiResponder.sample(t.parameters(), request.lastUserText()))));
        }
        return calls;
    }

    private static byte[] event(String name, ObjectNode data) {
        return ("event: " + name + "\ndata: " + Json.text(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] blockStart(int index, ObjectNode block) {
        ObjectNode data = Json.object().put("type", "content_block_start").put("index", index);
        data.set("content_block", block);
        return event("content_block_start", data);
    }

    private static byte[] blockDelta(int index, ObjectNode delta) {
        ObjectNode data = Json.object().put("type", "content_block_delta").put("index", index);
        data.set("delta", delta);
        return event("content_block_delta", data);
    }

    private static byte[] blockStop(int index) {
        return event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index));
    }
}
