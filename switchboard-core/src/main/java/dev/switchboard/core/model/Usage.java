package dev.switchboard.core.model;

/**
 * Token usage normalised across providers. {@code promptTokens} includes cached and cache-write
 * tokens (as OpenAI counts them); {@code completionTokens} includes reasoning tokens.
 */
public record Usage(int promptTokens, int completionTokens, int cachedPromptTokens, int cacheWriteTokens,
        int reasoningTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, 0, 0, 0);
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                cachedPromptTokens + other.cachedPromptTokens, cacheWriteTokens + other.cacheWriteTokens,
                reasoningTokens + other.reasoningTokens);
    }
}
