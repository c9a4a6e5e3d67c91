package dev.switchboard.embeddings;

import dev.switchboard.core.config.ConfigNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A semantic router's configuration:
 *
 * <pre>
 * model: auto                  # the alias clients call; the router answers only for it
 * threshold: 0.5               # default per-route threshold (cosine similarity)
 * routes:
 *   - name: code
 *     target: coder
 *     threshold: 0.55          # optional, overrides the default
 *     utterances: ["fix this stack trace", "why does my python function return None", ...]
 * </pre>
 */
public record SemanticRouterConfig(String model, List<SemanticRoute> routes) {
    public static final double DEFAULT_THRESHOLD = 0.5;
    private static final Set<String> KEYS = Set.of("model", "threshold", "routes");
    private static final Set<String> ROUTE_KEYS = Set.of("name", "target", "threshold", "utterances");

    public SemanticRouterConfig {
        routes = List.copyOf(routes);
    }

    public static SemanticRouterConfig parse(ConfigNode node) {
        node.onlyKeys(KEYS);
        String model = node.get("model").requiredString();
        double fallback = node.get("threshold").number(DEFAULT_THRESHOLD, -1, 1);
        List<ConfigNode> items = node.get("routes").list();
        if (items.isEmpty()) throw node.get("routes").error("must list at least one route");
        List<SemanticRoute> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode item : items) {
            item.onlyKeys(ROUTE_KEYS);
            String name = item.get("name").requiredString();
            if (!names.add(name)) throw item.get("name").error("duplicate route name '" + name + "'");
            List<String> utterances = item.get("utterances").stringList();
            if (utterances.isEmpty()) throw item.get("utterances").error("must list at least one example utterance");
            routes.add(new SemanticRoute(name, utterances, item.get("threshold").number(fallback, -1, 1),
                    item.get("target").requiredString()));
        }
        return new SemanticRouterConfig(model, routes);
    }
}
