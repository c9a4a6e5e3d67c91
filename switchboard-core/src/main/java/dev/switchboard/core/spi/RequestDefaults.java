package dev.switchboard.core.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A deployment's {@code litellm_params} that are request parameters ({@code temperature}, {@code max_tokens},
 * {@code stop}, ...), applied as LiteLLM's router applies them: as defaults of every call to that deployment, where
 * the client's own value wins. Adapters apply them when they translate a request for the deployment, so they reach
 * only the deployment that set them, after load balancing chose it.
 *
 * @param params the request parameters the deployment sets, in OpenAI's names and shapes
 */
public record RequestDefaults(ObjectNode params) {
    /** Request parameters the canonical model carries; every adapter applies them. */
    public static final Set<String> CANONICAL = Set.of("temperature", "top_p", "max_tokens", "max_completion_tokens",
            "stop", "seed", "n", "response_format", "user", "logprobs", "top_logprobs", "parallel_tool_calls", "metadata");
    /** OpenAI request parameters outside the canonical model: they reach OpenAI-format bodies only. */
    public static final Set<String> OPENAI_ONLY = Set.of("frequency_penalty", "presence_penalty", "logit_bias",
            "reasoning_effort", "verbosity", "service_tier", "store", "modalities", "audio", "prediction",
            "web_search_options", "prompt_cache_key", "safety_identifier");
    /** Fields merged into the upstream body where the request has none (LiteLLM's {@code extra_body}). */
    public static final String EXTRA_BODY = "extra_body";

    private static final RequestDefaults NONE = new RequestDefaults(Json.object());
    /** One way of saying the output limit: a client that sends either overrides a default of either. */
    private static final Set<String> OUTPUT_LIMIT = Set.of("max_tokens", "max_completion_tokens");

    /** The deployment's defaults; none (and nothing parsed) when it sets no request parameter. */
    public static RequestDefaults of(Deployment d) {
        ObjectNode params = null;
        for (Map.Entry<String, JsonNode> e : d.params().properties()) {
            String key = e.getKey();
            if (!CANONICAL.contains(key) && !OPENAI_ONLY.contains(key) && !key.equals(EXTRA_BODY)) continue;
            if (e.getValue() == null || e.getValue().isNull()) continue;
            if (params == null) params = Json.object();
            params.set(key, e.getValue());
        }
        return params == null ? NONE : new RequestDefaults(params);
    }

    /**
     * Checks the deployment's request parameters as a client's would be checked.
     *
     * @throws GatewayException.BadRequest naming the parameter when one is invalid
     */
    public static void check(Deployment d) {
        read(of(d).params);
    }

    public boolean isEmpty() {
        return params.isEmpty();
    }

    /** The deployment's output limit ({@code max_completion_tokens} or {@code max_tokens}), when it sets one. */
    public static OptionalInt maxTokens(Deployment d) {
        for (String key : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode v = d.params().get(key);
            if (v != null && v.canConvertToInt() && v.isIntegralNumber()) return OptionalInt.of(v.asInt());
        }
        return OptionalInt.empty();
    }

    /** The raw default of one parameter, e.g. a penalty an adapter maps onto its own option. */
    public Optional<JsonNode> value(String key) {
        return Optional.ofNullable(params.get(key));
    }

    /**
     * The canonical request with the defaults among {@code applied} in every field the client left unset (its body is
     * not touched). An adapter passes the parameters its provider takes, so that one it has no place for is neither
     * sent nor refused on every call, but named at start-up instead.
     */
    public ChatRequest applyTo(ChatRequest r, Set<String> applied) {
        if (params.isEmpty()) return r;
        // Read per call (a few microseconds, and only for deployments with defaults): the OpenAI path never needs it.
        ChatRequest canonical = read(params);
        ChatRequest.Builder b = r.toBuilder();
        if (r.temperature().isEmpty() && applied.contains("temperature")) b.temperature(canonical.temperature());
        if (r.topP().isEmpty() && applied.contains("top_p")) b.topP(canonical.topP());
        if (r.maxTokens().isEmpty() && applied.contains("max_tokens")) b.maxTokens(canonical.maxTokens());
        if (r.stop().isEmpty() && applied.contains("stop")) b.stop(canonical.stop());
        if (r.seed().isEmpty() && applied.contains("seed")) b.seed(canonical.seed());
        if (r.n().isEmpty() && applied.contains("n")) b.n(canonical.n());
        if (r.responseFormat().isEmpty() && applied.contains("response_format")) canonical.responseFormat().ifPresent(b::responseFormat);
        if (r.user().isEmpty() && applied.contains("user")) canonical.user().ifPresent(b::user);
        if (!r.logprobs() && canonical.logprobs() && applied.contains("logprobs")) b.logprobs(true).topLogprobs(canonical.topLogprobs());
        if (r.parallelToolCalls().isEmpty() && applied.contains("parallel_tool_calls")) {
            canonical.parallelToolCalls().ifPresent(b::parallelToolCalls);
        }
        if (r.metadata().isEmpty() && applied.contains("metadata")) b.metadata(canonical.metadata());
        return b.build();
    }

    /**
     * Adds to an OpenAI-format chat body every default it does not set, then {@code extra_body}'s fields it does not
     * set. An output limit counts as set whichever of its two names the body uses.
     */
    public void fillInto(ObjectNode body) {
        for (Map.Entry<String, JsonNode> e : params.properties()) {
            String key = e.getKey();
            if (key.equals(EXTRA_BODY)) continue;
            if (OUTPUT_LIMIT.contains(key) ? OUTPUT_LIMIT.stream().anyMatch(body::has) : body.has(key)) continue;
            body.set(key, e.getValue().deepCopy());
        }
        fillExtraBody(body);
    }

    /** Adds {@code extra_body}'s fields the (provider-format) body does not set. */
    public void fillExtraBody(ObjectNode body) {
        if (params.get(EXTRA_BODY) instanceof ObjectNode extra) {
            extra.properties().forEach(e -> {
                if (!body.has(e.getKey())) body.set(e.getKey(), e.getValue().deepCopy());
            });
        }
    }

    public boolean hasExtraBody() {
        return params.get(EXTRA_BODY) instanceof ObjectNode extra && !extra.isEmpty();
    }

    /** The canonical parameters, read by the same code that reads a client's (so a bad one is refused the same way). */
    private static ChatRequest read(ObjectNode params) {
        JsonNode extra = params.get(EXTRA_BODY);
        if (extra != null && !extra.isObject()) {
            throw new GatewayException.BadRequest("Invalid type for 'extra_body': expected an object, but got "
                    + OpenAiCodec.kind(extra) + ".", EXTRA_BODY);
        }
        ObjectNode body = Json.object();
        for (String key : CANONICAL) {
            if (params.has(key)) body.set(key, params.get(key));
        }
        body.put("model", "defaults");
        body.putArray("messages").addObject().put("role", "user").put("content", "-");
        return OpenAiCodec.parseChatRequest(body);
    }
}
