package dev.switchboard.core.reliability;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.RoutingStrategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Orders the deployments of one model group, best first: the first takes the request, the rest are its
 * in-group fallbacks. Every strategy breaks ties by the weighted shuffle, so equal deployments still
 * share traffic by weight.
 */
@FunctionalInterface
public interface BalancingStrategy {
    /**
     * @param estimatedTokens prompt + requested output of the request (usage-based routing reads it)
     */
    List<Deployment> order(List<Deployment> group, long estimatedTokens);

    static BalancingStrategy of(RoutingStrategy strategy, DeploymentHealth health, DeploymentLimits limits,
            double exploration, Supplier<RandomGenerator> random) {
        return switch (strategy) {
            case SIMPLE_SHUFFLE -> new SimpleShuffle(random);
            case LEAST_BUSY -> new LeastBusy(health, random);
            case LATENCY_BASED -> new LatencyBased(health, exploration, random);
            case USAGE_BASED -> new UsageBased(limits, random);
            case COST_BASED -> new CostBased(random);
        };
    }

    /** Weighted random order (Efraimidis–Spirakis: key = u^(1/w), highest first); weight 0 goes last. */
    final class SimpleShuffle implements BalancingStrategy {
        private final Supplier<RandomGenerator> random;

        public SimpleShuffle(Supplier<RandomGenerator> random) {
            this.random = random;
        }

        @Override
        public List<Deployment> order(List<Deployment> group, long estimatedTokens) {
            if (group.size() <= 1) return group;
            RandomGenerator r = random.get();
            double[] keys = new double[group.size()];
            Integer[] index = new Integer[group.size()];
            for (int i = 0; i < keys.length; i++) {
                int w = group.get(i).weight();
                keys[i] = w <= 0 ? -1 : Math.pow(r.nextDouble(), 1.0 / w);
                index[i] = i;
            }
            java.util.Arrays.sort(index, (a, b) -> Double.compare(keys[b], keys[a]));
            List<Deployment> out = new ArrayList<>(group.size());
            for (int i : index) out.add(group.get(i));
            return out;
        }
    }

    /** Fewest requests in flight first. */
    final class LeastBusy implements BalancingStrategy {
        private final DeploymentHealth health;
        private final SimpleShuffle shuffle;

        public LeastBusy(DeploymentHealth health, Supplier<RandomGenerator> random) {
            this.health = health;
            this.shuffle = new SimpleShuffle(random);
        }

        @Override
        public List<Deployment> order(List<Deployment> group, long estimatedTokens) {
            return sorted(shuffle.order(group, estimatedTokens), Comparator.comparingInt(d -> health.inFlight(d.id())));
        }
    }

    /**
     * Lowest latency moving average first. Deployments never measured go first (so they get measured);
     * with probability ε a random deployment leads instead, so a slow one that recovered is noticed.
     */
    final class LatencyBased implements BalancingStrategy {
        private final DeploymentHealth health;
        private final double exploration;
        private final Supplier<RandomGenerator> random;
        private final SimpleShuffle shuffle;

        public LatencyBased(DeploymentHealth health, double exploration, Supplier<RandomGenerator> random) {
            this.health = health;
            this.exploration = exploration;
            this.random = random;
            this.shuffle = new SimpleShuffle(random);
        }

        @Override
        public List<Deployment> order(List<Deployment> group, long estimatedTokens) {
            if (group.size() <= 1) return group;
            List<Deployment> out = new ArrayList<>(sorted(shuffle.order(group, estimatedTokens), Comparator.comparingDouble(d -> {
                OptionalDouble latency = health.latencyNanos(d.id());
                return latency.orElse(-1);
            })));
            RandomGenerator r = random.get();
            if (r.nextDouble() < exploration) out.addFirst(out.remove(r.nextInt(out.size())));
            return out;
        }
    }

    /**
     * Deployments whose RPM/TPM budget cannot take the request go last; among the rest, the fewest tokens
     * sent during the last minute first.
     */
    final class UsageBased implements BalancingStrategy {
        private final DeploymentLimits limits;
        private final SimpleShuffle shuffle;

        public UsageBased(DeploymentLimits limits, Supplier<RandomGenerator> random) {
            this.limits = limits;
            this.shuffle = new SimpleShuffle(random);
        }

        @Override
        public List<Deployment> order(List<Deployment> group, long estimatedTokens) {
            Comparator<Deployment> byHeadroom = Comparator.comparing(d -> !limits.hasHeadroom(d, estimatedTokens));
            return sorted(shuffle.order(group, estimatedTokens),
                    byHeadroom.thenComparingLong(limits::tokensLastMinute));
        }
    }

    /** Lowest price (input + output per million tokens) first. */
    final class CostBased implements BalancingStrategy {
        private final SimpleShuffle shuffle;

        public CostBased(Supplier<RandomGenerator> random) {
            this.shuffle = new SimpleShuffle(random);
        }

        @Override
        public List<Deployment> order(List<Deployment> group, long estimatedTokens) {
            return sorted(shuffle.order(group, estimatedTokens), Comparator.comparingDouble(
                    d -> d.info().prices().inputPerMillion() + d.info().prices().outputPerMillion()));
        }
    }

    /** A stable sort, so the shuffled order breaks ties. */
    private static List<Deployment> sorted(List<Deployment> shuffled, Comparator<Deployment> by) {
        if (shuffled.size() <= 1) return shuffled;
        List<Deployment> out = new ArrayList<>(shuffled);
        out.sort(by);
        return out;
    }
}
