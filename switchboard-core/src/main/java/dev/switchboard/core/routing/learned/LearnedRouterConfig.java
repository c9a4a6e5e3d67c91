package dev.switchboard.core.routing.learned;

import dev.switchboard.core.config.ConfigNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A learned router's configuration:
 *
 * <pre>
 * model: auto                 # the alias clients call; the router answers only for it
 * strong-model: gpt-4         # model group for prompts scoring at or above the threshold
 * weak-model: mixtral         # model group for the rest
 * strong-pct: 0.3             # wanted share of strong calls, calibrated to a threshold (default 0.5) ...
 * threshold: 0.214            # ... or a fixed score threshold instead
 * artifact: /path/model.bin   # optional; default the model that ships with Switchboard
 * </pre>
 */
public record LearnedRouterConfig(String model, String strongModel, String weakModel, OptionalDouble threshold,
        double strongPct, Optional<Path> artifact) {
    public static final double DEFAULT_STRONG_PCT = 0.5;
    private static final Set<String> KEYS = Set.of("model", "strong-model", "weak-model", "strong-pct", "threshold",
            "artifact");

    public static LearnedRouterConfig parse(ConfigNode node) {
        node.onlyKeys(KEYS);
        if (node.get("threshold").present() && node.get("strong-pct").present()) {
            throw node.get("threshold").error("set either threshold or strong-pct, not both");
        }
        OptionalDouble threshold = node.get("threshold").present()
                ? OptionalDouble.of(node.get("threshold").number(0, 0, 1)) : OptionalDouble.empty();
        return new LearnedRouterConfig(node.get("model").requiredString(), node.get("strong-model").requiredString(),
                node.get("weak-model").requiredString(), threshold,
                node.get("strong-pct").number(DEFAULT_STRONG_PCT, 0, 1),
                node.get("artifact").string().map(Path::of));
    }
}
