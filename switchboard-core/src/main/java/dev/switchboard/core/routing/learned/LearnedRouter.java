package dev.switchboard.core.routing.learned;

import dev.switchboard.core.Decimals;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.routing.PromptScorer;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.Router;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Strong/weak routing by a trained model: the last user message is scored (higher = needs the strong model
 * more) and goes to the strong model group at or above the threshold, else to the weak one. The threshold is fixed
 * in config or calibrated from the model's calibration sample to a wanted share of strong calls. Requests for other
 * models, and non-chat requests, fall through.
 */
public final class LearnedRouter implements Router, PromptScorer {
    public static final String NAME = "learned";

    private final LearnedRouterConfig config;
    private final LearnedRouterModel model;
    private final double threshold;
    private final ModelGroupRouter groups;

    /** @throws ConfigException when a target is no model group, or one of embedding models */
    public LearnedRouter(LearnedRouterConfig config, LearnedRouterModel model, Map<String, List<Deployment>> modelGroups) {
        ModelGroupRouter.requireChatGroup(modelGroups, "strong-model", config.strongModel());
        ModelGroupRouter.requireChatGroup(modelGroups, "weak-model", config.weakModel());
        this.config = config;
        this.model = model;
        this.threshold = config.threshold().orElseGet(
                () -> Calibration.threshold(model.calibrationScores(), config.strongPct()));
        this.groups = new ModelGroupRouter(modelGroups);
    }

    /** With the model from {@code config.artifact()}, or the bundled one. */
    public static LearnedRouter of(LearnedRouterConfig config, Map<String, List<Deployment>> modelGroups) {
        LearnedRouterModel model = config.artifact().map(LearnedRouter::artifact).orElseGet(LearnedRouterModel::bundled);
        return new LearnedRouter(config, model, modelGroups);
    }

    /** A missing, unreadable or foreign artifact refuses to start naming the key, not with an I/O stack trace. */
    private static LearnedRouterModel artifact(Path file) {
        if (Files.isDirectory(file)) throw new ConfigException("artifact", "'" + file + "' is a directory, not a trained router artifact");
        if (!Files.exists(file)) throw new ConfigException("artifact", "'" + file + "' does not exist");
        try {
            return LearnedRouterModel.read(file);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw new ConfigException("artifact", "'" + file + "' is not a trained router artifact (written by "
                    + "'switchboard eval train-learned'): " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
        }
    }

    @Override
    public boolean answersEveryChat(String model) {
        return model.equals(config.model());
    }

    @Override
    public double score(String prompt) {
        return model.score(prompt);
    }

    public double threshold() {
        return threshold;
    }

    @Override
    public Optional<RoutePlan> route(Exchange exchange) {
        if (!exchange.isChat() || !exchange.request().model().equals(config.model())) return Optional.empty();
        double score = model.score(exchange.chat().lastUserText());
        boolean strong = score >= threshold;
        String target = strong ? config.strongModel() : config.weakModel();
        String why = "score " + Decimals.fixed(score, 3) + (strong ? " ≥ " : " < ") + "threshold "
                + Decimals.fixed(threshold, 3) + " → " + (strong ? "strong" : "weak") + " model '" + target + "'";
        return groups.route(exchange.withRequest(exchange.chat().withModel(target)))
                .map(plan -> new RoutePlan(plan.candidates(), NAME, why));
    }
}
