package dev.switchboard.providers.ollama;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Ollama's native API as records, mirroring
 * <a href="https://github.com/ollama/ollama/blob/main/docs/api.md">docs/api.md</a>
 * ({@code POST /api/chat}, {@code POST /api/embed}) and the error body {@code {"error":"..."}}.
 * A null component means the field is absent on the wire; these types never leave the package.
 */
final class OllamaWire {
    private OllamaWire() {}

    /**
     * {@code POST /api/chat}. {@code format} is {@code "json"} or a JSON schema object; {@code think} is a
     * boolean or a level ("low", "medium", "high") for models that take one; {@code keep_alive} a duration
     * string ("5m") or seconds.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatRequest(
            String model,
            List<Message> messages,
            List<Tool> tools,
            JsonNode format,
            JsonNode options,
            boolean stream,
            @JsonProperty("keep_alive") JsonNode keepAlive,
            JsonNode think) {}

    /**
     * A chat message. {@code images} holds base64 payloads (no data-URL prefix); a tool result names its
     * tool in {@code tool_name}; {@code thinking} carries a reasoning model's thoughts.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Message(
            String role,
            String content,
            String thinking,
            List<String> images,
            @JsonProperty("tool_calls") List<ToolCall> toolCalls,
            @JsonProperty("tool_name") String toolName) {}

    /** A tool call; {@code function.arguments} is a JSON object, not text as in OpenAI's format. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToolCall(String id, Function function) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Function(Integer index, String name, JsonNode arguments) {}

    /** A tool definition: the same function schema as OpenAI's. */
    record Tool(String type, ToolFunction function) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToolFunction(String name, String description, JsonNode parameters) {}

    /** The model parameters the gateway maps (Modelfile names; see docs/modelfile.md#valid-parameters-and-values). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Options(
            Double temperature,
            @JsonProperty("top_p") Double topP,
            Long seed,
            @JsonProperty("num_predict") Integer numPredict,
            List<String> stop,
            @JsonProperty("num_ctx") Integer numCtx,
            @JsonProperty("frequency_penalty") Double frequencyPenalty,
            @JsonProperty("presence_penalty") Double presencePenalty) {}

    /**
     * One {@code /api/chat} answer: the whole answer, or one NDJSON line of a stream ({@code done:false}
     * lines carry deltas; the final {@code done:true} line carries {@code done_reason}, counts and
     * durations in nanoseconds). A line with {@code error} reports a failure mid-stream.
     */
    record ChatResponse(
            String model,
            @JsonProperty("created_at") String createdAt,
            Message message,
            boolean done,
            @JsonProperty("done_reason") String doneReason,
            @JsonProperty("total_duration") Long totalDuration,
            @JsonProperty("load_duration") Long loadDuration,
            @JsonProperty("prompt_eval_count") Integer promptEvalCount,
            @JsonProperty("prompt_eval_duration") Long promptEvalDuration,
            @JsonProperty("eval_count") Integer evalCount,
            @JsonProperty("eval_duration") Long evalDuration,
            String error) {}

    /** {@code POST /api/embed}: {@code input} is one text or several. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EmbedRequest(
            String model,
            List<String> input,
            Boolean truncate,
            Integer dimensions,
            JsonNode options,
            @JsonProperty("keep_alive") JsonNode keepAlive) {}

    record EmbedResponse(
            String model,
            List<float[]> embeddings,
            @JsonProperty("total_duration") Long totalDuration,
            @JsonProperty("load_duration") Long loadDuration,
            @JsonProperty("prompt_eval_count") Integer promptEvalCount) {}

    /** Every failure: {@code {"error":"model \"x\" not found, try pulling it first"}} with an HTTP status. */
    record ErrorBody(String error) {}
}
