package dev.switchboard.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAI's legacy text completions ({@code POST /v1/completions}) over the chat pipeline, as LiteLLM serves them for chat
 * models: the prompt becomes the one user message, the answer's text each choice's {@code text}. What a chat model
 * cannot do is refused by name rather than approximated: token-id prompts, several prompts in one request, insertion
 * ({@code suffix}), {@code best_of} above {@code n}, and the prompt's own logprobs ({@code echo} with {@code logprobs}).
 */
public final class OpenAiCompletionsCodec {
    /** OpenAI's default for this endpoint (chat has none): clients of it count on answers being short unless asked. */
    public static final int DEFAULT_MAX_TOKENS = 16;
    /** The most alternatives per token the legacy endpoint returns. */
    private static final int MAX_LOGPROBS = 5;
    /** Legacy-only fields: read here, never passed on as chat fields. */
    private static final Set<String> LEGACY = Set.of("prompt", "suffix", "echo", "best_of", "logprobs");

    private OpenAiCompletionsCodec() {}

    /**
     * A completions request: the chat request it runs as, and what shapes the answer.
     *
     * @param echo the prompt is written before each choice's text
     * @param logprobs token logprobs were asked for, written in the legacy layout
     */
    public record Request(ChatRequest chat, String prompt, boolean echo, boolean logprobs) {}

    /** Validates and reads a client's completions request. Every problem is a 400 naming the field. */
    public static Request parseRequest(JsonNode body) {
        String prompt = prompt(body.get("prompt"));
        JsonNode suffix = body.get("suffix");
        if (OpenAiCodec.present(suffix) && !(suffix.isTextual() && suffix.asText().isEmpty())) {
            throw OpenAiCodec.bad("'suffix' (insertion) is not supported: chat models complete after the prompt only.", "suffix");
        }
        boolean echo = OpenAiCodec.present(body.get("echo")) && OpenAiCodec.bool(body, "echo");
        var logprobs = OpenAiCodec.optInt(body, "logprobs", 0, MAX_LOGPROBS);
        if (echo && logprobs.isPresent()) {
            throw OpenAiCodec.bad("'echo' with 'logprobs' asks for the prompt's own logprobs, which chat models do not give.",
                    "logprobs");
        }
        ObjectNode chat = Json.object();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!LEGACY.contains(field.getKey())) chat.set(field.getKey(), field.getValue());
        }
        chat.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (!OpenAiCodec.present(body.get("max_tokens"))) chat.put("max_tokens", DEFAULT_MAX_TOKENS);
        logprobs.ifPresent(k -> chat.put("logprobs", true).put("top_logprobs", k));
        ChatRequest request = OpenAiCodec.parseChatRequest(chat);
        var bestOf = OpenAiCodec.optInt(body, "best_of", 1, 20);
        int n = request.n().orElse(1);
        if (bestOf.isPresent() && bestOf.getAsInt() != n) {
            throw OpenAiCodec.bad(bestOf.getAsInt() < n
                    ? "'best_of' must be greater than or equal to 'n'."
                    : "'best_of' above 'n' is not supported: the gateway does not rank candidate answers.", "best_of");
        }
        return new Request(request, prompt, echo, logprobs.isPresent());
    }

    /** The one text prompt: a string, or an array holding one string. */
    private static String prompt(JsonNode prompt) {
        if (!OpenAiCodec.present(prompt)) throw OpenAiCodec.bad("Missing required parameter: 'prompt'.", "prompt");
        if (prompt.isTextual()) return prompt.asText();
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw OpenAiCodec.bad("Invalid type for 'prompt': expected a string or an array of one string.", "prompt");
        }
        if (!prompt.get(0).isTextual()) {
            throw OpenAiCodec.bad("Token-id prompts are not supported: send the prompt as text.", "prompt");
        }
        if (prompt.size() > 1) {
            throw OpenAiCodec.bad("One prompt per request: send each of the " + prompt.size() + " prompts as its own request.",
                    "prompt");
        }
        return prompt.get(0).asText();
    }

    /** A completions id, as OpenAI's {@code cmpl-...}. */
    public static String newId() {
        return OpenAiResponsesCodec.newId("cmpl").replace('_', '-');
    }

    /**
     * A whole answer as a {@code text_completion} object; {@code extension} (a routed answer's report), when there is
     * one, goes in its {@code switchboard} field, as on a chat completion.
     */
    public static ObjectNode writeResponse(String id, Request request, ChatResponse answer, Usage usage,
            Optional<? extends JsonNode> extension) {
        ObjectNode o = head(id, answer.created(), answer.model());
        ArrayNode choices = o.putArray("choices");
        for (Choice c : answer.choices()) {
            choices.add(choice(c.index(), (request.echo() ? request.prompt() : "") + c.message().text(),
                    request.logprobs() ? c.logprobs().map(l -> logprobs(l, new int[1])) : Optional.empty(), c.finishReason()));
        }
        o.set("usage", usage(usage));
        answer.systemFingerprint().ifPresent(f -> o.put("system_fingerprint", f));
        extension.ifPresent(e -> o.set("switchboard", e));
        return o;
    }

    private static ObjectNode head(String id, long created, String model) {
        return Json.object().put("id", id).put("object", "text_completion").put("created", created).put("model", model);
    }

    private static ObjectNode choice(int index, String text, Optional<JsonNode> logprobs, Optional<FinishReason> finish) {
        ObjectNode c = Json.object().put("text", text).put("index", index);
        c.set("logprobs", logprobs.orElse(Json.NODES.nullNode()));
        if (finish.isPresent()) c.put("finish_reason", finish.get().wire());
        else c.putNull("finish_reason");
        return c;
    }

    private static ObjectNode usage(Usage u) {
        return Json.object().put("prompt_tokens", u.promptTokens()).put("completion_tokens", u.completionTokens())
                .put("total_tokens", u.totalTokens());
    }

    /**
     * Chat logprobs ({@code {"content":[{token, logprob, top_logprobs:[{token, logprob}]}]}}) in the legacy layout:
     * parallel arrays of tokens, their logprobs, a map of alternatives and each token's character offset in the choice's
     * text, counted on from {@code offset[0]} (which is advanced past them).
     */
    static ObjectNode logprobs(JsonNode chat, int[] offset) {
        ObjectNode o = Json.object();
        ArrayNode tokens = o.putArray("tokens");
        ArrayNode tokenLogprobs = o.putArray("token_logprobs");
        ArrayNode top = o.putArray("top_logprobs");
        ArrayNode offsets = o.putArray("text_offset");
        for (JsonNode t : chat.path("content")) {
            String token = t.path("token").asText("");
            tokens.add(token);
            tokenLogprobs.add(t.path("logprob").asDouble());
            ObjectNode alternatives = top.addObject();
            for (JsonNode alt : t.path("top_logprobs")) alternatives.put(alt.path("token").asText(""), alt.path("logprob").asDouble());
            offsets.add(offset[0]);
            offset[0] += token.length();
        }
        return o;
    }

    /**
     * Turns a chat stream's chunks into {@code text_completion} chunks: one per text delta or finish of a choice, and the
     * usage chunk (no choices) when the client asked for it. Reasoning and empty deltas have no place and are dropped;
     * a chunk's extension goes in the {@code switchboard} field of its first event (one with no choices if it has none).
     */
    public static final class StreamEncoder {
        private final String id;
        private final Request request;
        private final Set<Integer> started = new HashSet<>();
        private final Map<Integer, int[]> offsets = new HashMap<>();

        public StreamEncoder(String id, Request request) {
            this.id = id;
            this.request = request;
        }

        public List<ObjectNode> encode(ChatChunk chunk, boolean includeUsage, Optional<? extends JsonNode> extension) {
            List<ObjectNode> events = new ArrayList<>(1);
            for (ChunkChoice c : chunk.choices()) {
                String text = c.content().orElse("");
                boolean hasLogprobs = request.logprobs() && c.logprobs().isPresent();
                if (text.isEmpty() && c.finishReason().isEmpty() && !hasLogprobs) continue;
                if (request.echo() && started.add(c.index())) text = request.prompt() + text;
                Optional<JsonNode> logprobs = hasLogprobs
                        ? Optional.of(logprobs(c.logprobs().get(), offsets.computeIfAbsent(c.index(), i -> new int[1])))
                        : Optional.empty();
                ObjectNode event = head(id, chunk.created(), chunk.model());
                event.putArray("choices").add(choice(c.index(), text, logprobs, c.finishReason()));
                events.add(event);
            }
            if (includeUsage && chunk.usage().isPresent()) {
                ObjectNode event = head(id, chunk.created(), chunk.model());
                event.putArray("choices");
                event.set("usage", usage(chunk.usage().get()));
                events.add(event);
            }
            if (extension.isPresent()) {
                if (events.isEmpty()) events.add(head(id, chunk.created(), chunk.model()).set("choices", Json.NODES.arrayNode()));
                events.getFirst().set("switchboard", extension.get());
            }
            return events;
        }
    }
}
