package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The change to one choice carried by a stream chunk.
 *
 * @param stopSequence on the finish chunk: the stop sequence that ended the answer, when the provider says which
 * @param reasoningSignature the signature that closes the thinking streamed so far (Anthropic's
 *     {@code signature_delta}); only an Anthropic client has a place for it
 * @param redactedReasoning a whole encrypted thinking block (Anthropic's {@code redacted_thinking} data)
 * @param extras the fields of an OpenAI-compatible upstream's {@code delta} that the gateway does not model
 *     ({@code audio}, ...): written back unchanged, as {@link Message#extras()} are
 * @param choiceExtras the fields of the chunk's choice itself, beside {@code delta}, that the gateway does not model
 *     (Azure's {@code content_filter_results}, ...): written back unchanged, as {@link Choice#extras()} are
 * @param newTextBlock on a content or citation delta: it starts a new text block of the answer rather than continuing
 *     the last one (Anthropic answers in blocks; only an Anthropic client has a place for the boundary)
 * @param citation one citation added to the open text block (Anthropic's {@code citations_delta}), as the upstream
 *     wrote it; only an Anthropic client has a place for it
 */
public record ChunkChoice(
        int index,
        Optional<Role> role,
        Optional<String> content,
        Optional<String> reasoning,
        List<ToolCallDelta> toolCalls,
        Optional<FinishReason> finishReason,
        Optional<JsonNode> logprobs,
        Optional<String> refusal,
        Optional<String> stopSequence,
        Optional<String> reasoningSignature,
        Optional<String> redactedReasoning,
        Optional<ObjectNode> extras,
        Optional<ObjectNode> choiceExtras,
        boolean newTextBlock,
        Optional<JsonNode> citation) {

    public ChunkChoice {
        toolCalls = List.copyOf(toolCalls);
    }

    public ChunkChoice(int index, Optional<Role> role, Optional<String> content, Optional<String> reasoning,
            List<ToolCallDelta> toolCalls, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
            Optional<String> refusal, Optional<String> stopSequence, Optional<String> reasoningSignature,
            Optional<String> redactedReasoning, Optional<ObjectNode> extras, Optional<ObjectNode> choiceExtras,
            boolean newTextBlock) {
        this(index, role, content, reasoning, toolCalls, finishReason, logprobs, refusal, stopSequence, reasoningSignature,
                redactedReasoning, extras, choiceExtras, newTextBlock, Optional.empty());
    }

    public ChunkChoice(int index, Optional<Role> role, Optional<String> content, Optional<String> reasoning,
            List<ToolCallDelta> toolCalls, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
            Optional<String> refusal, Optional<String> stopSequence, Optional<String> reasoningSignature,
            Optional<String> redactedReasoning, Optional<ObjectNode> extras, Optional<ObjectNode> choiceExtras) {
        this(index, role, content, reasoning, toolCalls, finishReason, logprobs, refusal, stopSequence, reasoningSignature,
                redactedReasoning, extras, choiceExtras, false);
    }

    public ChunkChoice(int index, Optional<Role> role, Optional<String> content, Optional<String> reasoning,
            List<ToolCallDelta> toolCalls, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
            Optional<String> refusal, Optional<String> stopSequence, Optional<String> reasoningSignature,
            Optional<String> redactedReasoning, Optional<ObjectNode> extras) {
        this(index, role, content, reasoning, toolCalls, finishReason, logprobs, refusal, stopSequence, reasoningSignature,
                redactedReasoning, extras, Optional.empty());
    }

    public ChunkChoice(int index, Optional<Role> role, Optional<String> content, Optional<String> reasoning,
            List<ToolCallDelta> toolCalls, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
            Optional<String> refusal, Optional<String> stopSequence) {
        this(index, role, content, reasoning, toolCalls, finishReason, logprobs, refusal, stopSequence, Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    public ChunkChoice(int index, Optional<Role> role, Optional<String> content, Optional<String> reasoning,
            List<ToolCallDelta> toolCalls, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
            Optional<String> refusal, Optional<String> stopSequence, Optional<String> reasoningSignature,
            Optional<String> redactedReasoning) {
        this(index, role, content, reasoning, toolCalls, finishReason, logprobs, refusal, stopSequence, reasoningSignature,
                redactedReasoning, Optional.empty());
    }

    public ChunkChoice(int index, Optional<Role> role, Optional<String> content, Optional<String> reasoning,
            List<ToolCallDelta> toolCalls, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
            Optional<String> refusal, Optional<String> stopSequence, Optional<ObjectNode> extras) {
        this(index, role, content, reasoning, toolCalls, finishReason, logprobs, refusal, stopSequence, Optional.empty(),
                Optional.empty(), extras);
    }

    public ChunkChoice(int index, Optional<Role> role, Optional<String> content, Optional<String> reasoning,
            List<ToolCallDelta> toolCalls, Optional<FinishReason> finishReason, Optional<JsonNode> logprobs,
            Optional<String> refusal) {
        this(index, role, content, reasoning, toolCalls, finishReason, logprobs, refusal, Optional.empty());
    }

    public ChunkChoice withRole(Role newRole) {
        return new ChunkChoice(index, Optional.of(newRole), content, reasoning, toolCalls, finishReason, logprobs, refusal,
                stopSequence, reasoningSignature, redactedReasoning, extras, choiceExtras, newTextBlock, citation);
    }

    public static ChunkChoice role(int index, Role role) {
        return new ChunkChoice(index, Optional.of(role), Optional.of(""), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static ChunkChoice content(int index, String text) {
        return new ChunkChoice(index, Optional.empty(), Optional.of(text), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The first text of a new text block (see {@code newTextBlock}). */
    public static ChunkChoice textBlock(int index, String text) {
        return new ChunkChoice(index, Optional.empty(), Optional.of(text), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), true);
    }

    /** A citation for the open text block, or for a new one (see {@code newTextBlock}). */
    public static ChunkChoice citation(int index, JsonNode citation, boolean newTextBlock) {
        return new ChunkChoice(index, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), newTextBlock, Optional.of(citation));
    }

    public static ChunkChoice reasoning(int index, String text) {
        return new ChunkChoice(index, Optional.empty(), Optional.empty(), Optional.of(text), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static ChunkChoice reasoningSignature(int index, String signature) {
        return new ChunkChoice(index, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(signature), Optional.empty());
    }

    public static ChunkChoice redactedReasoning(int index, String data) {
        return new ChunkChoice(index, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(data));
    }

    public static ChunkChoice refusal(int index, String text) {
        return new ChunkChoice(index, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.of(text));
    }

    public static ChunkChoice toolCalls(int index, List<ToolCallDelta> deltas) {
        return new ChunkChoice(index, Optional.empty(), Optional.empty(), Optional.empty(), deltas,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static ChunkChoice finish(int index, FinishReason reason) {
        return finish(index, reason, Optional.empty());
    }

    public static ChunkChoice finish(int index, FinishReason reason, Optional<String> stopSequence) {
        return new ChunkChoice(index, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.of(reason), Optional.empty(), Optional.empty(), stopSequence);
    }
}
