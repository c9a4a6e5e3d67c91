package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OpenAI's API as a deterministic fake: {@code POST /v1/chat/completions} (JSON and SSE),
 * {@code POST /v1/embeddings}, {@code GET /v1/models[/{id}]}. Answers are derived from the request so tests
 * can tell requests apart: text is {@code "echo: <last user text>"}, cut at a stop sequence or at
 * {@code max_tokens} (finish reason {@code length}) as a model would; with tools it calls them (all of them
 * when parallel calls are allowed) with arguments built from their parameter schemas; with a JSON response
 * format it answers valid JSON (matching the schema, if given); asked for {@code logprobs}, it gives one per stream
 * piece of the text. Usage is counted with the real tokenizer.
 */
public final class OpenAiResponder implements Responder {
    private static final String CHAT = "/v1/chat/completions";
    private static final String EMBEDDINGS = "/v1/embeddings";
    private static final String MODELS = "/v1/models";
    private static final long CREATED_BASE = 1_750_000_000L;
    private static final int DEFAULT_DIMENSIONS = 16;

    private final List<String> models;
    /** Shared: loading the tokenizer's vocabulary is slow, and it is immutable once loaded. */
    private static final TokenCounter TOKENS = new TokenCounter();

    private final TokenCounter tokens = TOKENS;
    private final AtomicLong sequence = new AtomicLong();

    public OpenAiResponder() {
        this(List.of("gpt-4o-mini", "gpt-4o", "text-embedding-3-small"));
    }

    /** @param models what {@code /v1/models} lists */
    public OpenAiResponder(List<String> models) {
        this.models = List.copyOf(models);
    }

    @Override
    public String apiBasePath() {
        return "/v1";
    }

    @Override
    public void respond(RecordedRequest request, UpstreamExchange exchange) {
        String route = request.method() + " " + request.path();
        try {
            if (route.equals("POST " + CHAT)) chat(request, exchange);
            else if (route.equals("POST " + EMBEDDINGS)) embeddings(request, exchange);
            else if (route.equals("GET " + MODELS)) modelList(exchange);
            else if (request.method().equals("GET") && request.path().startsWith(MODELS + "/")) model(request, exchange);
            else exchange.error(404, "Invalid URL (" + route + ")");
        } catch (GatewayException e) {
            exchange.json(e.status(), Json.bytes(OpenAiCodec.writeError(e)));
        }
    }

    @Override
    public byte[] errorBody(int status, String message) {
        ObjectNode error = Json.object().put("message", message);
        error.put("type", status == 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error");
        error.putNull("param");
        String code = switch (status) {
            case 401 -> "invalid_api_key";
            case 404 -> "model_not_found";
            case 429 -> "rate_limit_exceeded";
            default -> message.contains("maximum context length") ? "context_length_exceeded" : null;
        };
        if (code == null) error.putNull("code");
        else error.put("code", code);
        ObjectNode body = Json.object();
        body.set("error", error);
        return Json.bytes(body);
    }

    @Override
    public byte[] malformedEvent() {
        return "data: {\"id\":\"chatcmpl-broken\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tru\n\n"
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] keepAlive() {
        return ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ chat

    private void chat(RecordedRequest wire, UpstreamExchange exchange) {
        ChatRequest request = OpenAiCodec.parseChatRequest(Json.parseBody(wire.body()));
        long n = sequence.incrementAndGet();
        String id = "chatcmpl-fake" + n;
        long created = CREATED_BASE + n;
        List<ToolCall> calls = toolCalls(request, n);
        Optional<EchoAnswer> answer = calls.isEmpty()
                ? Optional.of(EchoAnswer.of(text(request), request.stop(), request.maxTokens(), tokens)) : Optional.empty();
        Optional<String> content = answer.map(EchoAnswer::text);
        int completion = content.map(tokens::count).orElse(0);
        for (ToolCall c : calls) completion += tokens.count(c.name()) + tokens.count(c.arguments());
        Usage usage = Usage.of(tokens.countPrompt(request), completion);
        // OpenAI says "stop" for a matched stop sequence too, without naming it.
        FinishReason finish = !calls.isEmpty() ? FinishReason.TOOL_CALLS
                : answer.get().cutByLimit() ? FinishReason.LENGTH : FinishReason.STOP;
        int choices = request.n().orElse(1);

        if (!request.stream()) {
            List<Choice> list = new ArrayList<>();
            for (int i = 0; i < choices; i++) {
                Message message = new Message(Role.ASSISTANT,
                        content.map(t -> List.<ContentPart>of(new ContentPart.Text(t))).orElse(List.of()), true,
                        Optional.empty(), calls, Optional.empty(), Optional.empty(), Optional.empty());
                list.add(new Choice(i, message, Optional.of(finish), logprobs(request, content.map(EchoAnswer::pieces).orElse(List.of()))));
            }
            ChatResponse response = new ChatResponse(id, created, request.model(), list,
                    exchange.omitsUsage() ? Optional.empty() : Optional.of(usage),
                    Optional.of("fp_fake"), Optional.empty());
            exchange.json(200, OpenAiCodec.writeChatResponse(response, null));
            return;
        }
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < choices; i++) {
            events.add(event(ChatChunk.of(id, created, request.model(), ChunkChoice.role(i, Role.ASSISTANT))));
            if (content.isPresent()) {
                for (String piece : EchoAnswer.pieces(content.get())) {
                    events.add(event(ChatChunk.of(id, created, request.model(), new ChunkChoice(i, Optional.empty(),
                            Optional.of(piece), Optional.empty(), List.of(), Optional.empty(), logprobs(request, List.of(piece)),
                            Optional.empty()))));
                }
            }
            for (int k = 0; k < calls.size(); k++) {
                ToolCall c = calls.get(k);
                events.add(event(ChatChunk.of(id, created, request.model(), ChunkChoice.toolCalls(i,
                        List.of(new ToolCallDelta(k, Optional.of(c.id()), Optional.of(c.name()), Optional.of("")))))));
                String args = c.arguments();
                int half = args.length() / 2;
                for (String part : List.of(args.substring(0, half), args.substring(half))) {
                    events.add(event(ChatChunk.of(id, created, request.model(), ChunkChoice.toolCalls(i,
                            List.of(new ToolCallDelta(k, Optional.empty(), Optional.empty(), Optional.of(part)))))));
                }
            }
            events.add(event(ChatChunk.of(id, created, request.model(), ChunkChoice.finish(i, finish))));
        }
        if (request.includeUsage() && !exchange.omitsUsage()) events.add(event(ChatChunk.usage(id, created, request.model(), usage)));
        exchange.stream("text/event-stream", events, Optional.of("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** OpenAI's {@code logprobs} object for {@code pieces} when the request asks for it: one token per piece. */
    private static Optional<JsonNode> logprobs(ChatRequest request, List<String> pieces) {
        if (!request.logprobs() || pieces.isEmpty()) return Optional.empty();
        ObjectNode logprobs = Json.object();
        ArrayNode content = logprobs.putArray("content");
        for (String piece : pieces) {
            ArrayNode bytes = Json.NODES.arrayNode();
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
            content.addObject().put("token", piece).put("logprob", -0.25).<ObjectNode>set("bytes", bytes).putArray("top_logprobs");
        }
        logprobs.putNull("refusal");
        return Optional.of(logprobs);
    }

    private static byte[] event(ChatChunk chunk) {
        return ("data: " + new String(OpenAiCodec.writeChunk(chunk), StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ChatRequest request) {
        Message last = request.messages().getLast();
        String source = last.role() == Role.TOOL ? last.text() : request.lastUserText();
        return switch (request.responseFormat().orElse(new ResponseFormat.Text())) {
            case ResponseFormat.Text t -> "echo: " + source;
            case ResponseFormat.JsonObject j -> Json.text(Json.object().put("echo", source));
            case ResponseFormat.JsonSchema s -> Json.text(sample(s.schema(), source));
        };
    }

    private static List<ToolCall> toolCalls(ChatRequest request, long n) {
        if (request.tools().isEmpty() || request.messages().getLast().role() == Role.TOOL) return List.of();
        ToolChoice choice = request.toolChoice().orElse(new ToolChoice.Auto());
        List<Tool> chosen = switch (choice) {
            case ToolChoice.None none -> List.of();
            case ToolChoice.Named named -> request.tools().stream().filter(t -> t.name().equals(named.name())).limit(1).toList();
            case ToolChoice.Auto a -> request.parallelToolCalls().orElse(true) ? request.tools() : request.tools().subList(0, 1);
            case ToolChoice.Required r -> request.parallelToolCalls().orElse(true) ? request.tools() : request.tools().subList(0, 1);
        };
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            Tool t = chosen.get(i);
            calls.add(new ToolCall("call_fake" + n + "_" + i, t.name(), Json.text(sample(t.parameters(), request.lastUserText()))));
        }
        return calls;
    }

    /** A value that satisfies the common JSON-schema shapes: objects get every property, strings the prompt. */
    static JsonNode sample(JsonNode schema, String text) {
        if (schema == null || !schema.isObject()) return Json.NODES.textNode(text);
        if (schema.has("enum") && schema.get("enum").isArray() && !schema.get("enum").isEmpty()) return schema.get("enum").get(0);
        if (schema.has("const")) return schema.get("const");
        for (String union : List.of("anyOf", "oneOf", "allOf")) {
            if (schema.path(union).isArray() && !schema.path(union).isEmpty()) return sample(schema.path(union).get(0), text);
        }
        JsonNode typeNode = schema.path("type");
        String type = typeNode.isArray() ? firstNonNull(typeNode) : typeNode.asText(schema.has("properties") ? "object" : "string");
        return switch (type) {
            case "object" -> {
                ObjectNode o = Json.object();
                schema.path("properties").properties().forEach(p -> o.set(p.getKey(), sample(p.getValue(), text)));
                yield o;
            }
            case "array" -> {
                ArrayNode a = Json.NODES.arrayNode();
                a.add(sample(schema.get("items"), text));
                yield a;
            }
            case "integer" -> Json.NODES.numberNode(1);
            case "number" -> Json.NODES.numberNode(1.5);
            case "boolean" -> Json.NODES.booleanNode(true);
            case "null" -> Json.NODES.nullNode();
            default -> Json.NODES.textNode(text);
        };
    }

    private static String firstNonNull(JsonNode types) {
        for (JsonNode t : types) if (!t.asText().equals("null")) return t.asText();
        return "null";
    }

    // ------------------------------------------------------------------ embeddings, models

    private void embeddings(RecordedRequest wire, UpstreamExchange exchange) {
        JsonNode body = Json.parseBody(wire.body());
        EmbeddingRequest request = OpenAiEmbeddingsCodec.parseRequest(body);
        List<String> inputs = new ArrayList<>();
        if (request.tokenInput()) body.get("input").forEach(item -> inputs.add(item.toString()));
        else inputs.addAll(request.input());
        int dims = request.dimensions().orElse(DEFAULT_DIMENSIONS);
        List<float[]> vectors = new ArrayList<>();
        int prompt = 0;
        for (String input : inputs) {
            vectors.add(vector(input, dims));
            prompt += tokens.count(input);
        }
        EmbeddingResponse response = new EmbeddingResponse(request.model(), vectors, Usage.of(prompt, 0));
        exchange.json(200, OpenAiEmbeddingsCodec.writeResponse(response, request.base64()));
    }

    /** A unit vector that depends only on the text: equal inputs embed equally. */
    static float[] vector(String text, int dims) {
        SplittableRandom random = new SplittableRandom(text.hashCode());
        float[] v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) v[i] *= scale;
        return v;
    }

    private void modelList(UpstreamExchange exchange) {
        ObjectNode list = Json.object().put("object", "list");
        ArrayNode data = list.putArray("data");
        models.forEach(m -> data.add(modelObject(m)));
        exchange.json(200, Json.bytes(list));
    }

    private void model(RecordedRequest request, UpstreamExchange exchange) {
        String id = request.path().substring(MODELS.length() + 1);
        if (models.contains(id)) exchange.json(200, Json.bytes(modelObject(id)));
        else exchange.error(404, "The model '" + id + "' does not exist");
    }

    private static ObjectNode modelObject(String id) {
        return Json.object().put("id", id).put("object", "model").put("created", CREATED_BASE).put("owned_by", "fake-upstream");
    }
}
