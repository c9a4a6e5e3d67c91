package dev.switchboard.core.stages;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plain gateway calls: the model name is a model group; its deployments become the candidates in a
 * weighted random order (the default load-balancing strategy), so traffic spreads by weight and the
 * rest are fallbacks.
 */
public final class ModelGroupRouter implements Router {
    private final Map<String, List<Deployment>> groups;

    public ModelGroupRouter(Map<String, List<Deployment>> groups) {
        this.groups = Map.copyOf(groups);
    }

    @Override
    public Optional<RoutePlan> route(Exchange exchange) {
        List<Deployment> group = groups.get(exchange.request().model());
        if (group == null) return Optional.empty();
        List<Deployment> ordered = group.size() == 1 ? group : weightedShuffle(group);
        return Optional.of(new RoutePlan(ordered, "model-group",
                "model group '" + exchange.request().model() + "' (" + group.size() + " deployment"
                        + (group.size() == 1 ? "" : "s") + ")"));
    }

    /** Efraimidis–Spirakis: key = u^(1/w), highest first; zero-weight deployments go last. */
    static List<Deployment> weightedShuffle(List<Deployment> group) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Map.Entry<Double, Deployment>> keyed = new ArrayList<>(group.size());
        for (Deployment d : group) {
            double key = d.weight() <= 0 ? -1 : Math.pow(random.nextDouble(), 1.0 / d.weight());
            keyed.add(Map.entry(key, d));
        }
        keyed.sort((a, b) -> Double.compare(b.getKey(), a.getKey()));
        return keyed.stream().map(Map.Entry::getValue).toList();
    }
}
