package dev.switchboard.providers.ollama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.ApiBase;
import dev.switchboard.core.spi.Framing;
import dev.switchboard.core.spi.ProviderAdapter;
import dev.switchboard.core.spi.RequestDefaults;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Canonical ⇄ Ollama's native API ({@code /api/chat} with NDJSON streaming, {@code /api/embed}).
 * Reference: <a href="https://github.com/ollama/ollama/blob/main/docs/api.md">docs/api.md</a>.
 *
 * <p>Ollama has no {@code n}, no {@code tool_choice} and no image URLs: {@code n > 1} and http(s) images
 * are refused with a clear 400; {@code tool_choice: none} sends no tools, a named choice sends only that
 * tool. Per-deployment {@code litellm_params} this adapter reads: {@code keep_alive}, {@code num_ctx},
 * {@code think} (boolean or level) and {@code options} (extra Modelfile parameters, overridden by the
 * request's own); request parameters ({@code temperature}, {@code top_p}, {@code max_tokens}, {@code stop},
 * {@code seed}, {@code response_format}, the penalties) as defaults the client's own values override, and
 * {@code extra_body}'s fields where the body has none of that name.
 */
public final class OllamaAdapter implements ProviderAdapter {
    public static final String ID = "ollama";
    static final URI DEFAULT_BASE = URI.create("http://127.0.0.1:11434");

    private final Ticker ticker;

    /** @param ticker the clock an HTTP-date {@code Retry-After} is measured against */
    public OllamaAdapter(Ticker ticker) {
        this.ticker = ticker;
    }

    public OllamaAdapter() {
        this(Ticker.SYSTEM);
    }

    @Override
    public String id() {
        return ID;
    }

    /** The deployment's request parameters Ollama has a place for (its options, {@code format}). */
    static final Set<String> REQUEST_DEFAULTS = Set.of("temperature", "top_p", "max_tokens", "max_completion_tokens",
            "stop", "seed", "response_format", "frequency_penalty", "presence_penalty");

    @Override
    public Set<String> deploymentParams() {
        Set<String> params = new java.util.HashSet<>(Set.of("keep_alive", "num_ctx", "options", "think",
                RequestDefaults.EXTRA_BODY));
        params.addAll(REQUEST_DEFAULTS);
        return params;
    }

    @Override
    public Framing framing() {
        return Framing.NDJSON;
    }

    // ------------------------------------------------------------------ chat

    @Override
    public WireRequest toWire(ChatRequest request, Deployment target) {
        if (request.n().orElse(1) > 1) {
            throw new GatewayException.Unsupported("Ollama returns one choice per request; 'n' must be 1.", "n");
        }
        RequestDefaults defaults = RequestDefaults.of(target);
        ChatRequest r = defaults.applyTo(request, REQUEST_DEFAULTS);
        List<OllamaWire.Tool> tools = tools(r);
        OllamaWire.ChatRequest body = new OllamaWire.ChatRequest(target.upstreamModel(), messages(r.messages()),
                tools.isEmpty() ? null : tools, format(r), options(r, target, defaults), r.stream(),
                param(target, "keep_alive"), think(r, target));
        byte[] bytes = bytes(body);
        if (defaults.hasExtraBody()) {
            ObjectNode tree = (ObjectNode) Json.parseBody(bytes);
            defaults.fillExtraBody(tree);
            bytes = Json.bytes(tree);
        }
        return WireRequest.post(endpoint(target, "/api/chat"), headers(target, r.stream()), bytes);
    }

    @Override
    public ChatResponse fromWire(WireResponse response, ChatRequest request) {
        OllamaWire.ChatResponse r = read(response.body(), OllamaWire.ChatResponse.class);
        if (r.error() != null) throw OllamaErrors.midStream(r.error());
        OllamaWire.Message m = r.message() == null ? new OllamaWire.Message("assistant", "", null, null, null, null) : r.message();
        List<ToolCall> calls = toolCalls(m.toolCalls(), 0);
        String content = m.content() == null ? "" : m.content();
        Message message = new Message(Role.ASSISTANT, content.isEmpty() && !calls.isEmpty() ? List.of()
                : List.of(new ContentPart.Text(content)), true, Optional.empty(), calls, Optional.empty(),
                Optional.ofNullable(m.thinking()).filter(t -> !t.isEmpty()), Optional.empty());
        Choice choice = new Choice(0, message, Optional.of(finishReason(r.doneReason(), !calls.isEmpty())), Optional.empty());
        return new ChatResponse(responseId(r), created(r.createdAt()), r.model() == null ? "" : r.model(), List.of(choice),
                Optional.of(usage(r)), Optional.empty(), Optional.empty());
    }

    @Override
    public StreamDecoder newStreamDecoder(ChatRequest request) {
        return new OllamaStreamDecoder();
    }

    @Override
    public GatewayException mapError(int status, WireHeaders headers, byte[] body) {
        return OllamaErrors.map(status, headers, body, ticker.epochMillis());
    }

    // ------------------------------------------------------------------ embeddings

    @Override
    public WireRequest toWire(EmbeddingRequest request, Deployment target) {
        if (request.tokenInput()) {
            throw new GatewayException.Unsupported("Ollama embeds text only; token arrays are not accepted as 'input'.", "input");
        }
        OllamaWire.EmbedRequest body = new OllamaWire.EmbedRequest(target.upstreamModel(), request.input(), null,
                request.dimensions().isPresent() ? request.dimensions().getAsInt() : null, null, param(target, "keep_alive"));
        return WireRequest.post(endpoint(target, "/api/embed"), headers(target, false), bytes(body));
    }

    @Override
    public EmbeddingResponse embeddingsFromWire(WireResponse response, EmbeddingRequest request) {
        OllamaWire.EmbedResponse r = read(response.body(), OllamaWire.EmbedResponse.class);
        if (r.embeddings() == null) throw new GatewayException.UpstreamError("Ollama returned no 'embeddings'", 502, null);
        if (r.embeddings().size() != request.input().size()) {
            throw new GatewayException.UpstreamError("Ollama returned " + r.embeddings().size() + " embeddings for "
                    + request.input().size() + " inputs", 502, null);
        }
        int prompt = r.promptEvalCount() == null ? 0 : r.promptEvalCount();
        return new EmbeddingResponse(r.model() == null ? "" : r.model(), r.embeddings(), Usage.of(prompt, 0));
    }

    // ------------------------------------------------------------------ request mapping

    static URI endpoint(Deployment target, String path) {
        URI apiBase = target.apiBase().orElse(DEFAULT_BASE);
        String base = ApiBase.stem(apiBase);
        // LiteLLM configs sometimes carry the base with Ollama's /api prefix already on it.
        if (base.endsWith("/api")) base = base.substring(0, base.length() - 4);
        return ApiBase.withQueryOf(apiBase, base + path);
    }

    private static WireHeaders headers(Deployment target, boolean stream) {
        WireHeaders.Builder h = WireHeaders.builder()
                .add("Content-Type", "application/json")
                .add("Accept", stream ? "application/x-ndjson" : "application/json");
        target.apiKey().ifPresent(k -> h.add("Authorization", "Bearer " + k.value()));
        target.headers().forEach(h::set);
        return h.build();
    }

    private static List<OllamaWire.Message> messages(List<Message> messages) {
        Map<String, String> toolNames = new HashMap<>();
        List<OllamaWire.Message> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String path = "messages[" + i + "]";
            List<String> images = new ArrayList<>();
            for (ContentPart part : m.content()) {
                switch (part) {
                    case ContentPart.Text t -> { }
                    case ContentPart.Image img -> images.add(image(img, path));
                    case ContentPart.Other other -> throw new GatewayException.Unsupported(
                            "Ollama does not accept '" + other.type() + "' content parts.", path + ".content");
                    // Anthropic's signed thinking means nothing to Ollama; the reasoning text goes as thinking.
                    case ContentPart.Thinking t -> { }
                    case ContentPart.RedactedThinking r -> { }
                    case ContentPart.ToolUse u -> { } // the calls go as tool_calls
                }
            }
            switch (m.role()) {
                case SYSTEM, DEVELOPER -> out.add(new OllamaWire.Message("system", m.text(), null, null, null, null));
                case USER -> out.add(new OllamaWire.Message("user", m.text(), null, images.isEmpty() ? null : images, null, null));
                case ASSISTANT -> {
                    List<OllamaWire.ToolCall> calls = new ArrayList<>();
                    for (ToolCall c : m.toolCalls()) {
                        toolNames.put(c.id(), c.name());
                        calls.add(new OllamaWire.ToolCall(null, new OllamaWire.Function(null, c.name(), arguments(c, path))));
                    }
                    out.add(new OllamaWire.Message("assistant", m.text(), m.reasoning().orElse(null),
                            images.isEmpty() ? null : images, calls.isEmpty() ? null : calls, null));
                }
                case TOOL -> out.add(new OllamaWire.Message("tool", m.text(), null, null, null,
                        m.toolCallId().map(toolNames::get).orElse(null)));
            }
        }
        return out;
    }

    private static String image(ContentPart.Image img, String path) {
        if (!img.isDataUrl()) {
            throw new GatewayException.Unsupported("Ollama accepts images only as base64 data URLs "
                    + "(data:image/png;base64,...); it does not fetch http(s) image URLs.", path + ".content");
        }
        return img.dataBase64().filter(b -> !b.isEmpty()).orElseThrow(() -> new GatewayException.BadRequest(
                "The image data URL in '" + path + "' carries no base64 payload.", path + ".content"));
    }

    /** OpenAI sends arguments as JSON text; Ollama wants the object itself. */
    private static JsonNode arguments(ToolCall call, String path) {
        if (call.arguments().isBlank()) return Json.object();
        try {
            JsonNode node = Json.MAPPER.readTree(call.arguments());
            if (node == null || !node.isObject()) throw new JsonProcessingException("not an object") {};
            return node;
        } catch (JsonProcessingException e) {
            throw new GatewayException.BadRequest("The arguments of tool call '" + call.id() + "' in '" + path
                    + "' are not a JSON object.", path + ".tool_calls");
        }
    }

    private static List<OllamaWire.Tool> tools(ChatRequest request) {
        ToolChoice choice = request.toolChoice().orElse(new ToolChoice.Auto());
        if (choice instanceof ToolChoice.None) return List.of();
        List<OllamaWire.Tool> out = new ArrayList<>();
        for (Tool t : request.tools()) {
            if (choice instanceof ToolChoice.Named named && !named.name().equals(t.name())) continue;
            out.add(new OllamaWire.Tool("function", new OllamaWire.ToolFunction(t.name(), t.description().orElse(null),
                    t.parameters())));
        }
        if (choice instanceof ToolChoice.Named named && out.isEmpty()) {
            throw new GatewayException.BadRequest("'tool_choice' names the function '" + named.name()
                    + "', which is not among 'tools'.", "tool_choice");
        }
        return out;
    }

    private static JsonNode format(ChatRequest request) {
        return request.responseFormat().map(f -> switch (f) {
            case ResponseFormat.Text t -> (JsonNode) null;
            case ResponseFormat.JsonObject j -> Json.NODES.textNode("json");
            case ResponseFormat.JsonSchema s -> s.schema();
        }).orElse(null);
    }

    private static JsonNode options(ChatRequest r, Deployment target, RequestDefaults defaults) {
        // The penalties are not canonical: the client's OpenAI body has them, else the deployment's defaults.
        ObjectNode body = Json.object();
        for (String penalty : List.of("frequency_penalty", "presence_penalty")) {
            JsonNode v = r.openAiBody().map(b -> b.get(penalty)).filter(JsonNode::isNumber)
                    .or(() -> defaults.value(penalty)).orElse(null);
            if (v != null) body.set(penalty, v);
        }
        OllamaWire.Options mapped = new OllamaWire.Options(
                r.temperature().isPresent() ? r.temperature().getAsDouble() : null,
                r.topP().isPresent() ? r.topP().getAsDouble() : null,
                r.seed().isPresent() ? r.seed().getAsLong() : null,
                r.maxTokens().isPresent() ? r.maxTokens().getAsInt() : null,
                r.stop().isEmpty() ? null : r.stop(),
                param(target, "num_ctx") != null && param(target, "num_ctx").canConvertToInt()
                        ? param(target, "num_ctx").asInt() : null,
                body.path("frequency_penalty").isNumber() ? body.get("frequency_penalty").asDouble() : null,
                body.path("presence_penalty").isNumber() ? body.get("presence_penalty").asDouble() : null);
        ObjectNode options = Json.object();
        JsonNode base = param(target, "options");
        if (base != null && base.isObject()) options.setAll((ObjectNode) base);
        options.setAll((ObjectNode) Json.MAPPER.valueToTree(mapped));
        return options.isEmpty() ? null : options;
    }

    /** The deployment's {@code think} setting wins; otherwise a client's {@code reasoning_effort} turns thinking on. */
    private static JsonNode think(ChatRequest r, Deployment target) {
        JsonNode configured = param(target, "think");
        if (configured != null) return configured;
        return r.openAiBody().map(b -> b.path("reasoning_effort")).filter(JsonNode::isTextual)
                .map(e -> (JsonNode) Json.NODES.booleanNode(!e.asText().equals("none")))
                .orElse(null);
    }

    private static JsonNode param(Deployment target, String key) {
        JsonNode v = target.params().get(key);
        return v == null || v.isNull() ? null : v;
    }

    // ------------------------------------------------------------------ response mapping

    static List<ToolCall> toolCalls(List<OllamaWire.ToolCall> calls, int firstIndex) {
        if (calls == null) return List.of();
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            OllamaWire.ToolCall c = calls.get(i);
            OllamaWire.Function fn = c.function();
            if (fn == null || fn.name() == null) throw new GatewayException.UpstreamError("Ollama returned a tool call without a name", 502, null);
            String id = c.id() != null && !c.id().isEmpty() ? c.id() : "call_" + (firstIndex + i);
            JsonNode args = fn.arguments();
            String text = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : Json.text(args);
            out.add(new ToolCall(id, fn.name(), text));
        }
        return out;
    }

    static FinishReason finishReason(String doneReason, boolean toolCalls) {
        if (toolCalls) return FinishReason.TOOL_CALLS;
        return "length".equals(doneReason) ? FinishReason.LENGTH : FinishReason.STOP;
    }

    /** Ollama leaves {@code prompt_eval_count} out when the whole prompt came from its cache. */
    static Usage usage(OllamaWire.ChatResponse r) {
        return Usage.of(r.promptEvalCount() == null ? 0 : r.promptEvalCount(), r.evalCount() == null ? 0 : r.evalCount());
    }

    static long created(String createdAt) {
        if (createdAt == null) return 0;
        try {
            return OffsetDateTime.parse(createdAt).toEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** Ollama gives no id; one derived from model and timestamp keeps the adapter deterministic. */
    static String responseId(OllamaWire.ChatResponse r) {
        int h = (String.valueOf(r.model()) + '|' + r.createdAt()).hashCode();
        return "chatcmpl-ollama-" + HexFormat.of().toHexDigits(h);
    }

    static <T> T read(byte[] body, Class<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (java.io.IOException e) {
            throw new GatewayException.UpstreamError("Ollama returned malformed JSON: " + Json.problem(e), 502, null);
        }
    }

    static <T> T read(String line, Class<T> type) {
        try {
            return Json.MAPPER.readValue(line, type);
        } catch (java.io.IOException e) {
            throw new GatewayException.UpstreamError("Ollama returned a malformed stream line: " + e.getMessage(), 502, null);
        }
    }

    private static byte[] bytes(Object body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
