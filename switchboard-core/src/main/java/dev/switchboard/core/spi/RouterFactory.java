package dev.switchboard.core.spi;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.stages.Router;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds one kind of router from its {@code switchboard.routers} entry; found with
 * {@link java.util.ServiceLoader}, so heavy routers (local embeddings) live in their own module.
 */
public interface RouterFactory {
    /** The entry's key: "rules", "semantic", "learned". */
    String type();

    /** Throws {@link dev.switchboard.core.config.ConfigException} naming the key of a bad setting. */
    Router create(ConfigNode settings, SwitchboardConfig config);

    /** {@code switchboard.routers}, in order: each handles its own model name and falls through on no match. */
    static List<Router> configured(SwitchboardConfig config) {
        Map<String, RouterFactory> factories = new HashMap<>();
        ServiceLoader.load(RouterFactory.class).forEach(f -> factories.put(f.type(), f));
        List<Router> routers = new ArrayList<>();
        Map<String, ConfigNode> lastEntryFor = new LinkedHashMap<>();
        Set<String> answered = new HashSet<>();
        for (ConfigNode entry : config.routers()) {
            String type = entry.keys().getFirst();
            RouterFactory factory = factories.get(type);
            if (factory == null) {
                throw entry.get(type).error("unknown router type '" + type + "' (available: "
                        + String.join(", ", new TreeSet<>(factories.keySet())) + ")");
            }
            Router router;
            try {
                router = factory.create(entry.get(type), config);
            } catch (ConfigException e) {
                throw e.under(entry.get(type).path()); // a router checks its targets with keys relative to its settings
            }
            routers.add(router);
            ConfigNode model = entry.get(type).get("model");
            model.string().ifPresent(name -> {
                if (answered.contains(name)) {
                    throw model.error("this " + type + " router is never asked: " + lastEntryFor.get(name).path()
                            .replaceFirst("\\.model$", "") + " before it answers every request for '" + name + "'");
                }
                lastEntryFor.put(name, model);
                if (router.answersEveryChat(name)) answered.add(name);
            });
        }
        // When every router of a chain passes, the model group of its name answers; without one, the client would be
        // told that a model the config serves does not exist.
        lastEntryFor.forEach((name, model) -> {
            if (!answered.contains(name) && !config.modelGroups().containsKey(name)) {
                throw model.error("a request for '" + name + "' that no rule or route matches has nowhere to go: add a "
                        + "model group '" + name + "' as its default, a rule with no condition at the end, or a learned router");
            }
        });
        return routers;
    }
}
