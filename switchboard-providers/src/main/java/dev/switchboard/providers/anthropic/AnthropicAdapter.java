package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.ApiBase;
import dev.switchboard.core.spi.ProviderAdapter;
import dev.switchboard.core.spi.RequestDefaults;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import dev.switchboard.providers.anthropic.AnthropicWire.ContentBlock;
import dev.switchboard.providers.anthropic.AnthropicWire.InputMessage;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Canonical chat ⇄ Anthropic's Messages API ({@code POST /v1/messages}). Reference:
 * https://docs.anthropic.com/en/api/messages
 *
 * <p>Mapping notes:
 * <ul>
 *   <li>System and developer messages become the top-level {@code system} (a string for one message, text
 *       blocks for several). Tool results become {@code tool_result} blocks in a user turn; consecutive user
 *       turns are merged, since the API wants tool results first in the turn after the {@code tool_use}.</li>
 *   <li>When a request sets both {@code temperature} and {@code top_p}, only {@code temperature} is sent:
 *       Claude 4.5 and later models reject the pair.</li>
 *   <li>{@code max_tokens} is required upstream: the request's value, else the deployment's
 *       {@code max_output_tokens} (4096 unless configured).</li>
 *   <li>{@code response_format} has no Messages API equivalent; json_object and json_schema are asked for
 *       with an instruction appended to {@code system} (best effort, not enforced by the API).</li>
 *   <li>Thinking blocks are sent back only when they carry Anthropic's signature, and redacted thinking as it
 *       came; unsigned reasoning text is dropped, as the API would reject it. Answers keep both, signature and
 *       all, so a client can send them back.</li>
 *   <li>A deployment's request parameters ({@code temperature}, {@code top_p}, {@code max_tokens}, {@code stop},
 *       {@code response_format}, {@code user}, {@code parallel_tool_calls}) are defaults the client's own values
 *       override; {@code extra_body}'s fields go into the body where it has none of that name.</li>
 *   <li>{@code thinking}, {@code top_k}, {@code service_tier} and {@code cache_control} (automatic prompt
 *       caching, e.g. {@code {type: ephemeral}}) may be set per deployment in {@code litellm_params}; a client's
 *       {@code thinking} and {@code top_k} win over the deployment's. {@code anthropic-beta} and other headers come
 *       from the deployment's headers. Thinking is left out of a request whose last assistant tool turn has no
 *       signed thinking block, which the API would reject.</li>
 *   <li>A client's {@code cache_control} breakpoints on system text, tools, text, image and tool_use blocks and tool
 *       results go on the same blocks; a system message with one is sent as text blocks rather than one string.</li>
 *   <li>An answer's text blocks stay apart, and in their place among its tool_use blocks, in both directions, each
 *       with its {@code citations}. A client's documents (with {@code citations: {enabled: true}}) go up as they
 *       came.</li>
 * </ul>
 */
public final class AnthropicAdapter implements ProviderAdapter {
    static final String DEFAULT_API_BASE = "https://api.anthropic.com";
    /** Content parts that only the Messages API understands, kept verbatim (thinking as an OpenAI client may send it). */
    private static final Set<String> RAW_BLOCK_TYPES = Set.of("thinking", "redacted_thinking", "document",
            "search_result");
    private static final Set<String> THINKING_TYPES = Set.of("thinking", "redacted_thinking");

    private final Ticker ticker;

    public AnthropicAdapter(Ticker ticker) {
        this.ticker = ticker;
    }

    @Override
    public String id() {
        return "anthropic";
    }

    /** The deployment's request parameters the Messages API has a place for (seed, penalties, n: none). */
    static final Set<String> REQUEST_DEFAULTS = Set.of("temperature", "top_p", "max_tokens", "max_completion_tokens",
            "stop", "response_format", "user", "parallel_tool_calls");

    @Override
    public Set<String> deploymentParams() {
        Set<String> params = new java.util.HashSet<>(Set.of("thinking", "top_k", "cache_control", "service_tier",
                RequestDefaults.EXTRA_BODY));
        params.addAll(REQUEST_DEFAULTS);
        return params;
    }

    // ------------------------------------------------------------------ request

    @Override
    public WireRequest toWire(ChatRequest request, Deployment target) {
        RequestDefaults defaults = RequestDefaults.of(target);
        byte[] body = AnthropicWire.write(toMessagesRequest(defaults.applyTo(request, REQUEST_DEFAULTS), target));
        if (defaults.hasExtraBody()) {
            ObjectNode tree = (ObjectNode) Json.parseBody(body);
            defaults.fillExtraBody(tree);
            body = Json.bytes(tree);
        }
        WireHeaders.Builder headers = WireHeaders.builder()
                .add("content-type", "application/json")
                .add("anthropic-version", AnthropicWire.API_VERSION);
        target.apiKey().ifPresent(key -> headers.add("x-api-key", key.value()));
        // Deployment headers (anthropic-beta, a pinned anthropic-version, ...) win over the defaults.
        target.headers().forEach(headers::set);
        return WireRequest.post(messagesUri(target.apiBase()), headers.build(), body);
    }

    static URI messagesUri(Optional<URI> apiBase) {
        URI uri = apiBase.orElse(URI.create(DEFAULT_API_BASE));
        String base = ApiBase.stem(uri);
        if (base.endsWith("/v1/messages")) return ApiBase.withQueryOf(uri, base);
        if (base.endsWith("/v1")) return ApiBase.withQueryOf(uri, base + "/messages");
        return ApiBase.withQueryOf(uri, base + "/v1/messages");
    }

    AnthropicWire.MessagesRequest toMessagesRequest(ChatRequest request, Deployment target) {
        if (request.n().isPresent() && request.n().getAsInt() > 1) {
            throw new GatewayException.Unsupported("anthropic returns one answer per request; 'n' must be 1", "n");
        }
        if (request.logprobs()) {
            throw new GatewayException.Unsupported("anthropic does not return log probabilities", "logprobs");
        }
        List<AnthropicWire.TextBlock> systemBlocks = new ArrayList<>();
        List<InputMessage> messages = new ArrayList<>();
        for (int i = 0; i < request.messages().size(); i++) {
            Message m = request.messages().get(i);
            String path = "messages[" + i + "]";
            switch (m.role()) {
                case SYSTEM, DEVELOPER -> systemBlocks.addAll(systemBlocks(m));
                case USER -> append(messages, "user", userBlocks(m, path));
                case TOOL -> append(messages, "user", List.of(toolResult(m, path)));
                case ASSISTANT -> append(messages, "assistant", assistantBlocks(m, path));
            }
        }
        formatInstruction(request.responseFormat()).ifPresent(t -> systemBlocks.add(AnthropicWire.TextBlock.of(t)));
        Optional<JsonNode> system = system(systemBlocks);

        List<AnthropicWire.ToolDefinition> tools = new ArrayList<>();
        for (Tool t : request.tools()) {
            tools.add(new AnthropicWire.ToolDefinition(t.name(), t.description(), t.parameters(), t.cacheControl()));
        }
        Optional<AnthropicWire.ToolChoice> toolChoice = toolChoice(request);

        // The Messages API needs max_tokens. Without the client's or the config's, 4096 rather than the model's full output
        // limit (64k for recent Claude): a non-streamed answer that long can outlast the call's timeout.
        int maxTokens = request.maxTokens().orElse(target.info().isDeclared(ModelInfo.MAX_OUTPUT)
                ? target.info().maxOutputTokens() : Math.min(target.info().maxOutputTokens(), ModelInfo.DEFAULT_MAX_OUTPUT));
        Optional<AnthropicWire.Metadata> metadata = request.user().map(AnthropicWire.Metadata::new);
        JsonNode params = target.params();
        // A client's thinking and top_k win over the deployment's.
        Optional<JsonNode> thinking = request.thinking()
                .or(() -> Optional.ofNullable(params.get("thinking")).filter(JsonNode::isObject));
        // With thinking on, the API wants the last assistant tool turn to start with its signed thinking; history
        // from another provider has none, so that request goes without thinking instead of failing.
        if (thinking.isPresent() && toolTurnWithoutThinking(messages)) thinking = Optional.empty();
        OptionalInt topK = request.topK().isPresent() ? request.topK()
                : params.path("top_k").canConvertToInt() ? OptionalInt.of(params.get("top_k").asInt()) : OptionalInt.empty();
        Optional<JsonNode> cacheControl = Optional.ofNullable(params.get("cache_control")).filter(JsonNode::isObject);
        Optional<String> serviceTier = Optional.ofNullable(params.get("service_tier")).filter(JsonNode::isTextual)
                .map(JsonNode::asText);
        // Claude 4.5 and later reject temperature together with top_p ("use only one"); temperature wins.
        OptionalDouble topP = request.temperature().isPresent() ? OptionalDouble.empty() : request.topP();
        return new AnthropicWire.MessagesRequest(target.upstreamModel(), maxTokens, messages, system, request.stop(),
                request.temperature(), topP, topK, tools, toolChoice, metadata, thinking, cacheControl, serviceTier,
                request.stream());
    }

    private static boolean toolTurnWithoutThinking(List<InputMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            InputMessage m = messages.get(i);
            if (!m.role().equals("assistant")) continue;
            boolean usesTools = m.content().stream().anyMatch(b -> b instanceof AnthropicWire.ToolUseBlock);
            String first = m.content().getFirst().type();
            return usesTools && !first.equals("thinking") && !first.equals("redacted_thinking");
        }
        return false;
    }

    /** Adds a turn, merging it into the previous one when both have the same role. */
    private static void append(List<InputMessage> messages, String role, List<ContentBlock> blocks) {
        if (blocks.isEmpty()) {
            // The API rejects empty turns. An empty assistant turn can go; an empty user turn cannot, since dropping the
            // last one would turn the answer before it into a prefill for the model to continue.
            if (role.equals("user")) {
                throw new GatewayException.BadRequest("A user message is empty: Anthropic models need every user message "
                        + "to have content.", "messages");
            }
            return;
        }
        if (!messages.isEmpty() && messages.getLast().role().equals(role)) {
            List<ContentBlock> merged = new ArrayList<>(messages.getLast().content());
            merged.addAll(blocks);
            messages.set(messages.size() - 1, new InputMessage(role, merged));
        } else {
            messages.add(new InputMessage(role, new ArrayList<>(blocks)));
        }
    }

    /**
     * A system message is one text block; when one of its parts carries a cache breakpoint, each part is a block of
     * its own, since the breakpoint's position is the point.
     */
    private static List<AnthropicWire.TextBlock> systemBlocks(Message m) {
        boolean cached = m.content().stream().anyMatch(p -> p instanceof ContentPart.Text t && t.cacheControl().isPresent());
        if (!cached) return m.text().isEmpty() ? List.of() : List.of(AnthropicWire.TextBlock.of(m.text()));
        List<AnthropicWire.TextBlock> blocks = new ArrayList<>();
        for (ContentPart part : m.content()) {
            if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
                blocks.add(new AnthropicWire.TextBlock("text", t.text(), t.cacheControl()));
            }
        }
        return blocks;
    }

    /** One string when that says it all; text blocks when there are several or one carries a cache breakpoint. */
    private static Optional<JsonNode> system(List<AnthropicWire.TextBlock> blocks) {
        if (blocks.isEmpty()) return Optional.empty();
        if (blocks.size() == 1 && blocks.getFirst().cacheControl().isEmpty()) {
            return Optional.of(Json.NODES.textNode(blocks.getFirst().text()));
        }
        return Optional.of(AnthropicWire.MAPPER.valueToTree(blocks));
    }

    private static List<ContentBlock> userBlocks(Message m, String path) {
        List<ContentBlock> blocks = new ArrayList<>();
        for (ContentPart part : m.content()) block(part, path).ifPresent(blocks::add);
        return blocks;
    }

    /** A content part as a block; empty text and unsigned thinking have none (the API refuses both). */
    private static Optional<ContentBlock> block(ContentPart part, String path) {
        return switch (part) {
            case ContentPart.Text t -> t.text().isEmpty() ? Optional.empty()
                    : Optional.of(new AnthropicWire.TextBlock("text", t.text(), t.cacheControl(), citations(t)));
            case ContentPart.Image img -> Optional.of(image(img, path));
            case ContentPart.Other other -> Optional.of(raw(other, path));
            case ContentPart.Thinking t -> t.signature().isEmpty() ? Optional.empty()
                    : Optional.of(new AnthropicWire.ThinkingBlock("thinking", t.thinking(), Optional.of(t.signature())));
            case ContentPart.RedactedThinking r -> Optional.of(new AnthropicWire.RedactedThinkingBlock("redacted_thinking",
                    r.data()));
            case ContentPart.ToolUse u -> Optional.empty(); // a call's place: assistantBlocks puts the call there
        };
    }

    /** An earlier answer's citations go back on its text block as they came; the API accepts them there. */
    private static Optional<JsonNode> citations(ContentPart.Text t) {
        if (t.citations().isEmpty()) return Optional.empty();
        return Optional.of(Json.NODES.arrayNode().addAll(t.citations()));
    }

    private static boolean isThinking(ContentPart part) {
        return part instanceof ContentPart.Thinking || part instanceof ContentPart.RedactedThinking
                || part instanceof ContentPart.Other o && THINKING_TYPES.contains(o.type());
    }

    private static ContentBlock image(ContentPart.Image img, String path) {
        if (img.isDataUrl()) {
            String mediaType = img.dataMediaType().orElseThrow(() -> new GatewayException.BadRequest(
                    "The image data URL in '" + path + "' has no media type.", path));
            String data = img.dataBase64().orElseThrow(() -> new GatewayException.BadRequest(
                    "The image data URL in '" + path + "' has no base64 payload.", path));
            return AnthropicWire.ImageBlock.of(AnthropicWire.ImageSource.base64(mediaType, data), img.cacheControl());
        }
        return AnthropicWire.ImageBlock.of(AnthropicWire.ImageSource.url(img.url()), img.cacheControl());
    }

    private static ContentBlock raw(ContentPart.Other other, String path) {
        if (!RAW_BLOCK_TYPES.contains(other.type()) || !other.json().isObject()) {
            throw new GatewayException.Unsupported("anthropic does not accept content parts of type '" + other.type()
                    + "' (in '" + path + "')", path);
        }
        return new AnthropicWire.Raw((ObjectNode) other.json());
    }

    private static ContentBlock toolResult(Message m, String path) {
        String id = m.toolCallId().orElseThrow(() -> new GatewayException.BadRequest(
                "Tool message '" + path + "' has no tool_call_id.", path + ".tool_call_id"));
        boolean onlyText = m.content().stream().allMatch(p -> p instanceof ContentPart.Text t && t.cacheControl().isEmpty());
        if (onlyText) return AnthropicWire.ToolResultBlock.of(id, Json.NODES.textNode(m.text()), m.isError(), m.cacheControl());
        ArrayNode blocks = Json.NODES.arrayNode();
        for (ContentBlock b : userBlocks(m, path)) blocks.add(AnthropicWire.MAPPER.valueToTree(b));
        return AnthropicWire.ToolResultBlock.of(id, blocks, m.isError(), m.cacheControl());
    }

    /** Thinking first, then the content in its order with each tool call in its place. */
    private static List<ContentBlock> assistantBlocks(Message m, String path) {
        List<ContentBlock> blocks = new ArrayList<>();
        // Signed and redacted thinking first, in their order: the API wants an assistant turn to start with its thinking.
        for (ContentPart part : m.content()) if (isThinking(part)) block(part, path).ifPresent(blocks::add);
        for (ContentPart part : m.contentWithCalls()) {
            if (part instanceof ContentPart.ToolUse u) blocks.add(toolUse(m, u, path));
            else if (!isThinking(part)) block(part, path).ifPresent(blocks::add);
        }
        return blocks;
    }

    private static ContentBlock toolUse(Message m, ContentPart.ToolUse u, String path) {
        ToolCall call = m.toolCalls().get(u.call());
        return AnthropicWire.ToolUseBlock.of(call.id(), call.name(),
                toolInput(call.arguments(), path + ".tool_calls[" + u.call() + "]"), u.cacheControl());
    }

    /** Tool arguments are JSON text canonically; the API wants an object. */
    private static JsonNode toolInput(String arguments, String path) {
        if (arguments == null || arguments.isBlank()) return Json.object();
        try {
            JsonNode node = Json.MAPPER.readTree(arguments);
            if (node != null && node.isObject()) return node;
        } catch (IOException e) {
            // fall through
        }
        throw new GatewayException.BadRequest("The arguments of '" + path + "' are not a JSON object; anthropic "
                + "needs tool input as an object.", path + ".function.arguments");
    }

    private static Optional<AnthropicWire.ToolChoice> toolChoice(ChatRequest request) {
        boolean noParallel = request.parallelToolCalls().map(p -> !p).orElse(false);
        Optional<Boolean> disable = noParallel ? Optional.of(true) : Optional.empty();
        if (request.toolChoice().isEmpty()) {
            return noParallel && !request.tools().isEmpty()
                    ? Optional.of(new AnthropicWire.ToolChoice("auto", Optional.empty(), disable))
                    : Optional.empty();
        }
        return Optional.of(switch (request.toolChoice().get()) {
            case ToolChoice.Auto a -> new AnthropicWire.ToolChoice("auto", Optional.empty(), disable);
            case ToolChoice.Required r -> new AnthropicWire.ToolChoice("any", Optional.empty(), disable);
            case ToolChoice.Named n -> new AnthropicWire.ToolChoice("tool", Optional.of(n.name()), disable);
            case ToolChoice.None n -> new AnthropicWire.ToolChoice("none", Optional.empty(), Optional.empty());
        });
    }

    static Optional<String> formatInstruction(Optional<ResponseFormat> format) {
        if (format.isEmpty()) return Optional.empty();
        return switch (format.get()) {
            case ResponseFormat.Text t -> Optional.empty();
            case ResponseFormat.JsonObject j -> Optional.of("Respond with a single valid JSON object and nothing else: "
                    + "no prose, no code fences.");
            case ResponseFormat.JsonSchema s -> Optional.of("Respond with a single valid JSON object that conforms to "
                    + "this JSON Schema" + s.description().map(d -> " (" + d + ")").orElse("") + ", and nothing else: "
                    + "no prose, no code fences.\nSchema \"" + s.name() + "\": " + Json.text(s.schema()));
        };
    }

    // ------------------------------------------------------------------ response

    @Override
    public ChatResponse fromWire(WireResponse response, ChatRequest request) {
        AnthropicWire.MessageResponse m;
        try {
            m = AnthropicWire.read(response.body(), AnthropicWire.MessageResponse.class);
        } catch (IOException | RuntimeException e) {
            throw new GatewayException.UpstreamError("anthropic returned a malformed message: " + e.getMessage(), 502, null);
        }
        if (m == null || m.id() == null) throw new GatewayException.UpstreamError("anthropic returned no message", 502, null);
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        // Every block in its order, thinking signature and all (a client in a tool loop must send it back unchanged),
        // each text block a part of its own and each tool call's place marked: an Anthropic client gets them as they came.
        List<ContentPart> parts = new ArrayList<>();
        for (ContentBlock block : m.content()) {
            switch (block) {
                case AnthropicWire.TextBlock t -> {
                    if (t.text() != null && !t.text().isEmpty()) {
                        parts.add(new ContentPart.Text(t.text(), Optional.empty(), citations(t.citations())));
                    }
                }
                case AnthropicWire.ToolUseBlock u -> {
                    parts.add(new ContentPart.ToolUse(calls.size(), Optional.empty()));
                    calls.add(new ToolCall(u.id(), u.name(),
                            u.input() == null || u.input().isNull() ? "{}" : Json.text(u.input())));
                }
                case AnthropicWire.ThinkingBlock th -> {
                    String thinking = th.thinking() == null ? "" : th.thinking();
                    reasoning.append(thinking);
                    parts.add(new ContentPart.Thinking(thinking, th.signature().orElse("")));
                }
                case AnthropicWire.RedactedThinkingBlock r -> parts.add(new ContentPart.RedactedThinking(r.data()));
                default -> { /* server tool blocks: nothing canonical to carry */ }
            }
        }
        if (calls.isEmpty() && parts.stream().noneMatch(ContentPart.Text.class::isInstance)) parts.add(new ContentPart.Text(""));
        Message message = new Message(Role.ASSISTANT, parts, true, Optional.empty(), calls, Optional.empty(),
                reasoning.isEmpty() ? Optional.empty() : Optional.of(reasoning.toString()), Optional.empty());
        Optional<FinishReason> finish = m.stopReason().map(AnthropicAdapter::finishReason);
        return new ChatResponse(m.id(), ticker.epochSeconds(), m.model() == null ? "" : m.model(),
                List.of(new Choice(0, message, finish, Optional.empty(), stopSequence(m.stopReason(), m.stopSequence()))),
                m.usage().map(AnthropicAdapter::usage),
                Optional.empty(), Optional.empty());
    }

    /** A text block's citations, each as the API wrote it; none when the block has none (null or absent). */
    static List<JsonNode> citations(Optional<JsonNode> citations) {
        if (citations.isEmpty() || !citations.get().isArray()) return List.of();
        List<JsonNode> out = new ArrayList<>(citations.get().size());
        citations.get().forEach(out::add);
        return out;
    }

    /** The matched sequence, only when it is what stopped the answer. */
    static Optional<String> stopSequence(Optional<String> stopReason, Optional<String> stopSequence) {
        return stopReason.filter("stop_sequence"::equals).flatMap(r -> stopSequence);
    }

    /** end_turn, stop_sequence and pause_turn stop; max_tokens is length; refusal is a content filter. */
    static FinishReason finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }

    /** Canonical prompt tokens include cache reads and writes (as OpenAI counts them); Anthropic's exclude them. */
    static Usage usage(AnthropicWire.Usage u) {
        int prompt = u.inputTokens() + u.cacheCreationInputTokens() + u.cacheReadInputTokens();
        return new Usage(prompt, u.outputTokens(), u.cacheReadInputTokens(), u.cacheCreationInputTokens(), 0);
    }

    @Override
    public StreamDecoder newStreamDecoder(ChatRequest request) {
        return new AnthropicStreamDecoder(ticker);
    }

    @Override
    public GatewayException mapError(int status, WireHeaders headers, byte[] body) {
        return AnthropicErrors.fromResponse(status, headers, body, ticker.epochMillis());
    }
}
