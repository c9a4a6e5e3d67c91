package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What the classifier made of a (sub-)prompt.
 *
 * @param type task type, e.g. "documentation", "code_generation"
 * @param complexity 0 (trivial) to 1 (hard)
 * @param tokens tokens of the text (cl100k tokenizer)
 * @param signals the keywords and markers that decided type and complexity, for the explanation
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TaskProfile(String type, double complexity, ComplexityTier tier, int tokens, List<String> signals) {
    public TaskProfile {
        signals = List.copyOf(signals);
    }
}
