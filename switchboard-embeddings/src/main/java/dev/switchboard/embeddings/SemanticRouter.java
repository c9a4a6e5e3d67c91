package dev.switchboard.embeddings;

import dev.switchboard.core.Decimals;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Routes by meaning: the last user message is embedded in process and compared with every route's example
 * utterances (embedded once, at construction). The route holding the most similar utterance wins if that
 * similarity reaches the route's threshold; otherwise, and for other models, the request falls through.
 */
public final class SemanticRouter implements Router {
    public static final String NAME = "semantic";

    /** The best route for a prompt and how similar its nearest utterance is. */
    public record Match(SemanticRoute route, double similarity) {}

    private final SemanticRouterConfig config;
    private final SentenceEmbedder embedder;
    private final List<float[][]> routeVectors = new ArrayList<>();
    private final ModelGroupRouter groups;

    /** @throws ConfigException when a route targets no model group, or one of embedding models */
    public SemanticRouter(SemanticRouterConfig config, SentenceEmbedder embedder,
            Map<String, List<Deployment>> modelGroups) {
        for (int i = 0; i < config.routes().size(); i++) {
            ModelGroupRouter.requireChatGroup(modelGroups, "routes[" + i + "].target", config.routes().get(i).target());
        }
        this.config = config;
        this.embedder = embedder;
        for (SemanticRoute route : config.routes()) routeVectors.add(embedder.embed(route.utterances()).toArray(float[][]::new));
        this.groups = new ModelGroupRouter(modelGroups);
    }

    /** The nearest route, whether or not it reaches its threshold. */
    public Match nearest(String prompt) {
        float[] q = embedder.embed(prompt);
        SemanticRoute best = config.routes().getFirst();
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < routeVectors.size(); r++) {
            for (float[] u : routeVectors.get(r)) {
                double s = 0;
                for (int i = 0; i < q.length; i++) s += q[i] * u[i];
                if (s > bestSimilarity) {
                    bestSimilarity = s;
                    best = config.routes().get(r);
                }
            }
        }
        return new Match(best, bestSimilarity);
    }

    /** The matching route, if the nearest one reaches its threshold. */
    public Optional<Match> match(String prompt) {
        if (prompt.isBlank()) return Optional.empty();
        Match m = nearest(prompt);
        return m.similarity() >= m.route().threshold() ? Optional.of(m) : Optional.empty();
    }

    @Override
    public Optional<RoutePlan> route(Exchange exchange) {
        if (!exchange.isChat() || !exchange.request().model().equals(config.model())) return Optional.empty();
        return match(exchange.chat().lastUserText()).flatMap(m -> groups
                .route(exchange.withRequest(exchange.chat().withModel(m.route().target())))
                .map(plan -> new RoutePlan(plan.candidates(), NAME, "route '" + m.route().name() + "' (similarity "
                        + Decimals.fixed(m.similarity(), 3) + " ≥ " + Decimals.fixed(m.route().threshold(), 3) + ") → "
                        + m.route().target())));
    }
}
