package dev.switchboard.core.config;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the gateway knows about a deployment's model, from {@code model_info} (LiteLLM's key) and
 * Switchboard's extensions.
 *
 * @param tier 1 (lightest) upwards, when declared
 * @param taskTypes the task types the model is fit for; empty means all
 * @param contextWindow input + output tokens the model accepts
 * @param maxOutputTokens the most the model will generate in one answer
 * @param mode "chat" or "embedding"
 */
public record ModelInfo(
        OptionalInt tier,
        Optional<String> label,
        Set<String> taskTypes,
        int contextWindow,
        int maxOutputTokens,
        Prices prices,
        String mode,
        Optional<String> description) {

    public static final int DEFAULT_CONTEXT_WINDOW = 128_000;
    public static final int DEFAULT_MAX_OUTPUT = 4_096;

    public ModelInfo {
        taskTypes = Set.copyOf(taskTypes);
    }

    public static ModelInfo defaults() {
        return new ModelInfo(OptionalInt.empty(), Optional.empty(), Set.of(), DEFAULT_CONTEXT_WINDOW,
                DEFAULT_MAX_OUTPUT, Prices.FREE, "chat", Optional.empty());
    }

    public boolean isEmbedding() {
        return "embedding".equals(mode);
    }
}
