package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A chat request in canonical form: what every ingress codec produces and every provider adapter
 * consumes.
 *
 * @param maxTokens the output limit (OpenAI's max_completion_tokens, or the older max_tokens)
 * @param openAiBody the body as an OpenAI-format client sent it; OpenAI-compatible upstreams get this
 *     body with only the fields the gateway owns rewritten, so fields the gateway does not know pass
 *     through untouched
 * @param topK Anthropic's {@code top_k}, as an Anthropic-format client sent it (not an OpenAI parameter: other
 *     upstreams do not get it)
 * @param thinking Anthropic's {@code thinking} configuration, as an Anthropic-format client sent it; it wins over
 *     a deployment's
 */
public record ChatRequest(
        String model,
        List<Message> messages,
        List<Tool> tools,
        Optional<ToolChoice> toolChoice,
        Optional<Boolean> parallelToolCalls,
        Optional<ResponseFormat> responseFormat,
        OptionalInt maxTokens,
        OptionalDouble temperature,
        OptionalDouble topP,
        List<String> stop,
        OptionalInt n,
        OptionalLong seed,
        boolean logprobs,
        OptionalInt topLogprobs,
        Optional<String> user,
        Map<String, String> metadata,
        boolean stream,
        boolean includeUsage,
        Optional<ObjectNode> openAiBody,
        OptionalInt topK,
        Optional<JsonNode> thinking) implements GatewayRequest {

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        stop = List.copyOf(stop);
        metadata = Map.copyOf(metadata);
    }

    public static Builder builder(String model) {
        return new Builder().model(model);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.messages = new ArrayList<>(messages);
        b.tools = new ArrayList<>(tools);
        b.toolChoice = toolChoice;
        b.parallelToolCalls = parallelToolCalls;
        b.responseFormat = responseFormat;
        b.maxTokens = maxTokens;
        b.temperature = temperature;
        b.topP = topP;
        b.stop = new ArrayList<>(stop);
        b.n = n;
        b.seed = seed;
        b.logprobs = logprobs;
        b.topLogprobs = topLogprobs;
        b.user = user;
        b.metadata = metadata;
        b.stream = stream;
        b.includeUsage = includeUsage;
        b.openAiBody = openAiBody;
        b.topK = topK;
        b.thinking = thinking;
        return b;
    }

    public ChatRequest withModel(String newModel) {
        return toBuilder().model(newModel).build();
    }

    public ChatRequest withStream(boolean newStream) {
        return toBuilder().stream(newStream).build();
    }

    /** Text of the last user message, or "" when there is none. */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) return messages.get(i).text();
        }
        return "";
    }

    /** A builder; unset optional fields stay empty. */
    public static final class Builder {
        private String model;
        private List<Message> messages = new ArrayList<>();
        private List<Tool> tools = new ArrayList<>();
        private Optional<ToolChoice> toolChoice = Optional.empty();
        private Optional<Boolean> parallelToolCalls = Optional.empty();
        private Optional<ResponseFormat> responseFormat = Optional.empty();
        private OptionalInt maxTokens = OptionalInt.empty();
        private OptionalDouble temperature = OptionalDouble.empty();
        private OptionalDouble topP = OptionalDouble.empty();
        private List<String> stop = new ArrayList<>();
        private OptionalInt n = OptionalInt.empty();
        private OptionalLong seed = OptionalLong.empty();
        private boolean logprobs;
        private OptionalInt topLogprobs = OptionalInt.empty();
        private Optional<String> user = Optional.empty();
        private Map<String, String> metadata = Map.of();
        private boolean stream;
        private boolean includeUsage;
        private Optional<ObjectNode> openAiBody = Optional.empty();
        private OptionalInt topK = OptionalInt.empty();
        private Optional<JsonNode> thinking = Optional.empty();

        public Builder model(String v) { model = v; return this; }
        public Builder messages(List<Message> v) { messages = new ArrayList<>(v); return this; }
        public Builder message(Message v) { messages.add(v); return this; }
        public Builder tools(List<Tool> v) { tools = new ArrayList<>(v); return this; }
        public Builder tool(Tool v) { tools.add(v); return this; }
        public Builder toolChoice(ToolChoice v) { toolChoice = Optional.ofNullable(v); return this; }
        public Builder parallelToolCalls(Boolean v) { parallelToolCalls = Optional.ofNullable(v); return this; }
        public Builder responseFormat(ResponseFormat v) { responseFormat = Optional.ofNullable(v); return this; }
        public Builder maxTokens(int v) { maxTokens = OptionalInt.of(v); return this; }
        public Builder maxTokens(OptionalInt v) { maxTokens = v; return this; }
        public Builder temperature(double v) { temperature = OptionalDouble.of(v); return this; }
        public Builder temperature(OptionalDouble v) { temperature = v; return this; }
        public Builder topP(double v) { topP = OptionalDouble.of(v); return this; }
        public Builder topP(OptionalDouble v) { topP = v; return this; }
        public Builder stop(List<String> v) { stop = new ArrayList<>(v); return this; }
        public Builder n(int v) { n = OptionalInt.of(v); return this; }
        public Builder n(OptionalInt v) { n = v; return this; }
        public Builder seed(long v) { seed = OptionalLong.of(v); return this; }
        public Builder seed(OptionalLong v) { seed = v; return this; }
        public Builder logprobs(boolean v) { logprobs = v; return this; }
        public Builder topLogprobs(OptionalInt v) { topLogprobs = v; return this; }
        public Builder user(String v) { user = Optional.ofNullable(v); return this; }
        public Builder metadata(Map<String, String> v) { metadata = v; return this; }
        public Builder stream(boolean v) { stream = v; return this; }
        public Builder includeUsage(boolean v) { includeUsage = v; return this; }
        public Builder openAiBody(ObjectNode v) { openAiBody = Optional.ofNullable(v); return this; }
        public Builder openAiBody(Optional<ObjectNode> v) { openAiBody = v; return this; }
        public Builder topK(OptionalInt v) { topK = v; return this; }
        public Builder thinking(JsonNode v) { thinking = Optional.ofNullable(v); return this; }

        public ChatRequest build() {
            return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, maxTokens,
                    temperature, topP, stop, n, seed, logprobs, topLogprobs, user, metadata, stream, includeUsage,
                    openAiBody, topK, thinking);
        }
    }
}
