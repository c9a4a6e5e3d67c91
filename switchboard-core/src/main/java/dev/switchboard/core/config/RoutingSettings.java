package dev.switchboard.core.config;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Settings of the cost-aware router (config section {@code switchboard.routing}).
 *
 * @param modelNames model names that ask for routing ({@code switchboard/auto} and aliases such as {@code auto})
 * @param qualityWeight β in U = β·Q − α·C
 * @param costWeight α in U = β·Q − α·C
 * @param defaultThreshold minimum quality for a task type without its own threshold
 * @param thresholds minimum quality per task type
 * @param securitySensitive task types that always go to the top tier
 * @param pins task type → model group name or deployment id that must take it
 * @param decompose whether compound prompts sent to a routed model are split into parts
 * @param maxParts the most parts one prompt is split into; beyond that the rest stays in the last part
 * @param dependentParts what to do with a part that uses an earlier part's answer
 * @param defaultExpectedOutput answer length assumed for cost and context checks when the type has none
 * @param expectedOutputTokens answer length assumed per task type
 * @param lowTierBelow complexity below which a task is tier LOW
 * @param highTierFrom complexity from which a task is tier HIGH
 * @param taskTypes extra task types, or extra keywords for built-in ones
 */
public record RoutingSettings(
        List<String> modelNames,
        double qualityWeight,
        double costWeight,
        double defaultThreshold,
        Map<String, Double> thresholds,
        Set<String> securitySensitive,
        Map<String, String> pins,
        boolean decompose,
        int maxParts,
        DependentParts dependentParts,
        int defaultExpectedOutput,
        Map<String, Integer> expectedOutputTokens,
        double lowTierBelow,
        double highTierFrom,
        Map<String, TaskTypeSpec> taskTypes) {

    /** A part that consumes an earlier part's answer either runs after it, or is merged into it. */
    public enum DependentParts { SEQUENTIAL, TOGETHER }

    /**
     * Signals for one task type. Keywords match at a word start ("document" matches "documentation");
     * phrases weigh more than keywords.
     */
    public record TaskTypeSpec(List<String> keywords, List<String> phrases, OptionalDouble baseComplexity) {
        public TaskTypeSpec {
            keywords = List.copyOf(keywords);
            phrases = List.copyOf(phrases);
        }
    }

    /** The seeds' thresholds: prose tolerates a lighter model than code, security review needs the best. */
    public static final Map<String, Double> DEFAULT_THRESHOLDS = Map.of(
            "documentation", 0.60,
            "summarisation", 0.55,
            "qa_simple", 0.55,
            "code_generation", 0.72,
            "code_review", 0.85,
            "reasoning", 0.80);

    public static final Map<String, Integer> DEFAULT_EXPECTED_OUTPUT = Map.of(
            "documentation", 900,
            "summarisation", 300,
            "qa_simple", 200,
            "code_generation", 1200,
            "code_review", 700,
            "reasoning", 900);

    public RoutingSettings {
        modelNames = List.copyOf(modelNames);
        thresholds = Map.copyOf(thresholds);
        securitySensitive = Set.copyOf(securitySensitive);
        pins = Map.copyOf(pins);
        expectedOutputTokens = Map.copyOf(expectedOutputTokens);
        taskTypes = Map.copyOf(taskTypes);
    }

    public static RoutingSettings defaults() {
        return new RoutingSettings(List.of("switchboard/auto", "auto"), 0.6, 0.4, 0.72, DEFAULT_THRESHOLDS,
                Set.of("code_review"), Map.of(), true, 8, DependentParts.SEQUENTIAL, 512, DEFAULT_EXPECTED_OUTPUT,
                0.35, 0.65, Map.of());
    }

    public double threshold(String taskType) {
        return thresholds.getOrDefault(taskType, defaultThreshold);
    }

    public int expectedOutput(String taskType) {
        return expectedOutputTokens.getOrDefault(taskType, defaultExpectedOutput);
    }

    public boolean routes(String model) {
        return modelNames.contains(model);
    }
}
