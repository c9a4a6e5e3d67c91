package dev.switchboard.core.config;

import java.util.Map;

/**
 * A model's expected answer quality (0–1) as a function of task complexity (0–1): a straight line from
 * {@code low} (at complexity 0) to {@code high} (at complexity 1), optionally with its own line per task
 * type. Declared in {@code model_info} as {@code quality: {low: 0.85, high: 0.55}} and
 * {@code quality-by-type: {code_generation: {low: 0.80, high: 0.50}}}.
 */
public record QualityProfile(Curve overall, Map<String, Curve> byType) {

    /** Linear quality between complexity 0 ({@code low}) and complexity 1 ({@code high}). */
    public record Curve(double low, double high) {
        public Curve {
            if (!(low >= 0 && low <= 1 && high >= 0 && high <= 1)) {
                throw new IllegalArgumentException("quality must be between 0 and 1 (low=" + low + ", high=" + high + ")");
            }
        }

        public double at(double complexity) {
            double c = Math.clamp(complexity, 0.0, 1.0);
            return low + (high - low) * c;
        }
    }

    public QualityProfile {
        byType = Map.copyOf(byType);
    }

    public static QualityProfile linear(double low, double high) {
        return new QualityProfile(new Curve(low, high), Map.of());
    }

    public QualityProfile withType(String taskType, double low, double high) {
        var m = new java.util.HashMap<>(byType);
        m.put(taskType, new Curve(low, high));
        return new QualityProfile(overall, m);
    }

    /** Expected quality for a task of this type and complexity. */
    public double at(String taskType, double complexity) {
        Curve c = byType.get(taskType);
        return (c == null ? overall : c).at(complexity);
    }
}
