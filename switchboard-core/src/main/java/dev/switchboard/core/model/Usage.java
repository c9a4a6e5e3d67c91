package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Token usage normalised across providers. {@code promptTokens} includes cached and cache-write
 * tokens (as OpenAI counts them); {@code completionTokens} includes reasoning tokens.
 *
 * @param extras the counts of an OpenAI-compatible upstream's usage that the gateway does not model, in their
 *     place ({@code {"prompt_tokens_details":{"audio_tokens":..}}}): written back unchanged
 */
public record Usage(int promptTokens, int completionTokens, int cachedPromptTokens, int cacheWriteTokens,
        int reasoningTokens, Optional<ObjectNode> extras) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public Usage(int promptTokens, int completionTokens, int cachedPromptTokens, int cacheWriteTokens, int reasoningTokens) {
        this(promptTokens, completionTokens, cachedPromptTokens, cacheWriteTokens, reasoningTokens, Optional.empty());
    }

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, 0, 0, 0);
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    /** A sum across answers (a split request's parts) states only the counts the gateway models. */
    public Usage plus(Usage other) {
        return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                cachedPromptTokens + other.cachedPromptTokens, cacheWriteTokens + other.cacheWriteTokens,
                reasoningTokens + other.reasoningTokens);
    }
}
