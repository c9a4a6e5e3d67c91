package dev.switchboard.core.config;

import java.util.Optional;
import java.util.OptionalDouble;
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
 * @param quality expected quality by task complexity (and type), when declared
 * @param relativeCost a unitless cost weight used to compare models that have no real price (local models)
 * @param declared which of {@link #PRICES}, {@link #CONTEXT_WINDOW}, {@link #MAX_OUTPUT} the config stated
 *     explicitly; the others may be filled in from the price catalogue
 */
public record ModelInfo(
        OptionalInt tier,
        Optional<String> label,
        Set<String> taskTypes,
        int contextWindow,
        int maxOutputTokens,
        Prices prices,
        String mode,
        Optional<String> description,
        Optional<QualityProfile> quality,
        OptionalDouble relativeCost,
        Set<String> declared) {

    public static final int DEFAULT_CONTEXT_WINDOW = 128_000;
    public static final int DEFAULT_MAX_OUTPUT = 4_096;
    public static final String PRICES = "prices";
    public static final String CONTEXT_WINDOW = "context-window";
    public static final String MAX_OUTPUT = "max-output-tokens";

    public ModelInfo {
        taskTypes = Set.copyOf(taskTypes);
        declared = Set.copyOf(declared);
    }

    /** Everything stated explicitly, no quality profile: for models built in code. */
    public ModelInfo(OptionalInt tier, Optional<String> label, Set<String> taskTypes, int contextWindow,
            int maxOutputTokens, Prices prices, String mode, Optional<String> description) {
        this(tier, label, taskTypes, contextWindow, maxOutputTokens, prices, mode, description, Optional.empty(),
                OptionalDouble.empty(), Set.of(PRICES, CONTEXT_WINDOW, MAX_OUTPUT));
    }

    public static ModelInfo defaults() {
        return new ModelInfo(OptionalInt.empty(), Optional.empty(), Set.of(), DEFAULT_CONTEXT_WINDOW,
                DEFAULT_MAX_OUTPUT, Prices.FREE, "chat", Optional.empty(), Optional.empty(), OptionalDouble.empty(),
                Set.of());
    }

    /** This info with what the config left unstated (prices, context window, output limit) taken from a catalogue entry. */
    public ModelInfo withUnstated(Prices catalogued, int cataloguedContextWindow, int cataloguedMaxOutput) {
        return new ModelInfo(tier, label, taskTypes, isDeclared(CONTEXT_WINDOW) ? contextWindow : cataloguedContextWindow,
                isDeclared(MAX_OUTPUT) ? maxOutputTokens : cataloguedMaxOutput, isDeclared(PRICES) ? prices : catalogued,
                mode, description, quality, relativeCost, declared);
    }

    public boolean isEmbedding() {
        return "embedding".equals(mode);
    }

    public boolean isDeclared(String field) {
        return declared.contains(field);
    }
}
