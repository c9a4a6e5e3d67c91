package dev.switchboard.core.stages;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.reliability.BalancingStrategy;
import dev.switchboard.core.reliability.TokenEstimate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Plain gateway calls: the model name is a model group; its deployments become the candidates in the
 * order the load-balancing strategy chooses (weighted shuffle by default), so traffic spreads and the
 * rest are fallbacks.
 */
public final class ModelGroupRouter implements Router {
    /** The plan's router name when the client named the model group itself. */
    public static final String NAME = "model-group";

    private final Map<String, List<Deployment>> groups;
    private final BalancingStrategy strategy;
    private final Optional<TokenCounter> tokens;
    /** Groups whose every deployment is declared an embedding model: a chat request to one cannot be served. */
    private final Set<String> embeddingOnly;

    /**
     * Checks, at start-up, that a router, cascade or pin names a model group that can answer a chat.
     *
     * @throws ConfigException naming {@code key} when {@code name} is no model group, or one of embedding models only
     */
    public static void requireChatGroup(Map<String, List<Deployment>> groups, String key, String name) {
        List<Deployment> group = groups.get(name);
        if (group == null) throw new ConfigException(key, "unknown model group '" + name + "'");
        if (group.stream().allMatch(d -> d.info().isEmbedding())) {
            throw new ConfigException(key, "'" + name + "' is a group of embedding models, which cannot answer a chat");
        }
    }

    /**
     * @param tokens for strategies that weigh the request's size (usage-based); empty means size 0
     */
    public ModelGroupRouter(Map<String, List<Deployment>> groups, BalancingStrategy strategy, Optional<TokenCounter> tokens) {
        this.groups = Map.copyOf(groups);
        this.strategy = strategy;
        this.tokens = tokens;
        this.embeddingOnly = groups.entrySet().stream()
                .filter(g -> g.getValue().stream().allMatch(d -> d.info().isEmbedding()))
                .map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
    }

    public ModelGroupRouter(Map<String, List<Deployment>> groups) {
        this(groups, new BalancingStrategy.SimpleShuffle(ThreadLocalRandom::current), Optional.empty());
    }

    @Override
    public Optional<RoutePlan> route(Exchange exchange) {
        List<Deployment> group = groups.get(exchange.request().model());
        if (group == null) return Optional.empty();
        if (exchange.isChat() && embeddingOnly.contains(exchange.request().model())) {
            throw new GatewayException.BadRequest("'" + exchange.request().model() + "' is an embedding model "
                    + "(model_info.mode: embedding), not a chat model: send it to /v1/embeddings, or pick a chat model "
                    + "from /v1/models.", "model", "model_not_supported");
        }
        long estimate = group.size() > 1 && tokens.isPresent() ? TokenEstimate.of(exchange, tokens.get()).total() : 0;
        List<Deployment> ordered = group.size() == 1 ? group : strategy.order(group, estimate);
        return Optional.of(new RoutePlan(ordered, NAME,
                "model group '" + exchange.request().model() + "' (" + group.size() + " deployment"
                        + (group.size() == 1 ? "" : "s") + ")"));
    }
}
