package dev.switchboard.core.routing;

import dev.switchboard.core.Decimals;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.routing.CandidateScore.Status;
import dev.switchboard.core.stages.Router;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Routes {@code switchboard/auto} (and its aliases) to the deployment with the best utility
 * U = β·Q − α·C for the task at hand.
 *
 * <ol>
 *   <li>Classify the last user message: task type, complexity, tier.</li>
 *   <li>Keep deployments capable of the type whose context window holds the prompt plus the answer
 *       (the request's {@code max_tokens}, else the type's expected answer length).</li>
 *   <li>Security-sensitive types (code_review by default) keep only the top tier; pinned types keep
 *       only their pinned model.</li>
 *   <li>Q is the deployment's quality profile at the task's type and complexity. C is the expected cost
 *       of the call (prompt and expected answer tokens at real prices) divided by the most expensive
 *       remaining candidate's, so it lies in 0–1. When every remaining candidate is free (local models)
 *       real cost cannot tell them apart, so C uses relative cost instead: {@code model_info.relative-cost},
 *       else the tier number, times the tokens.</li>
 *   <li>Among candidates with Q at or above the type's threshold, the highest U wins; if none reaches
 *       it, the highest Q does.</li>
 * </ol>
 * The plan lists the chosen deployment first, then the other qualified ones by U, then those below the
 * threshold by Q, so fallbacks go to the next best.
 */
public final class UtilityRouter implements Router {
    private static final double EPSILON = 1e-9;

    private final ModelRegistry registry;
    private final RoutingSettings settings;
    private final TaskClassifier classifier;
    private final TokenCounter tokens;
    /** Each chat model's declared task types, sorted and joined once for the reason a model is not capable. */
    private final List<String> declaredTypes;

    public UtilityRouter(ModelRegistry registry, RoutingSettings settings, TaskClassifier classifier, TokenCounter tokens) {
        this.registry = registry;
        this.settings = settings;
        this.classifier = classifier;
        this.tokens = tokens;
        this.declaredTypes = registry.chatModels().stream()
                .map(m -> String.join(", ", m.taskTypes().stream().sorted().toList())).toList();
    }

    /** A router over the config's deployments, priced with the built-in catalogue. */
    public static UtilityRouter create(SwitchboardConfig config, TokenCounter tokens) {
        return new UtilityRouter(new ModelRegistry(config.deployments(), PriceCatalogue.builtIn()), config.routing(),
                new TaskClassifier(config.routing(), tokens), tokens);
    }

    public TaskClassifier classifier() {
        return classifier;
    }

    public ModelRegistry registry() {
        return registry;
    }

    public RoutingSettings settings() {
        return settings;
    }

    @Override
    public Optional<RoutePlan> route(Exchange exchange) {
        if (!exchange.isChat() || !settings.routes(exchange.chat().model())) return Optional.empty();
        ChatRequest chat = exchange.chat();
        String text = chat.lastUserText();
        if (text.isBlank()) {
            throw new GatewayException.BadRequest("The prompt is empty: '" + chat.model()
                    + "' needs a user message with text to route.", "messages");
        }
        int textTokens = tokens.count(text); // counted once: the prompt count reuses it for the same string
        RoutingDecision decision = decide(classifier.classify(text, textTokens), tokens.countPrompt(chat, text, textTokens),
                chat.maxTokens());
        return Optional.of(plan(decision));
    }

    /** The plan for a decision: servable deployments best first. Throws when no deployment can serve. */
    public RoutePlan plan(RoutingDecision decision) {
        if (decision.chosen().isEmpty()) throw failure(decision);
        List<dev.switchboard.core.config.Deployment> candidates = new ArrayList<>();
        for (CandidateScore c : decision.candidates()) {
            if (c.status().servable()) candidates.add(registry.find(c.deployment()).orElseThrow().deployment());
        }
        return new RoutePlan(candidates, "utility", decision.rationale(), Optional.of(decision));
    }

    private static final String MAX_TOKENS_OVER_LIMIT = "max_tokens ";

    private static GatewayException failure(RoutingDecision d) {
        String type = d.task().type();
        List<CandidateScore> tooSmall = d.candidates().stream().filter(c -> c.status() == Status.CONTEXT_TOO_SMALL).toList();
        // Every capable model was too small (and there was one): a size error, not a missing capability.
        boolean context = !tooSmall.isEmpty()
                && d.candidates().stream().allMatch(c -> c.status() == Status.NOT_CAPABLE || c.status() == Status.CONTEXT_TOO_SMALL);
        if (context && tooSmall.stream().allMatch(c -> c.reason().startsWith(MAX_TOKENS_OVER_LIMIT))) {
            // The prompt fits; only the asked answer length does not: say so rather than blame the context window.
            return new GatewayException.BadRequest("max_tokens is more than any model able to do a " + type
                    + " task can write: " + tooSmall.stream().map(c -> c.deployment() + " " + c.reason())
                            .collect(java.util.stream.Collectors.joining("; ")), "max_tokens");
        }
        if (context) {
            return new GatewayException.ContextWindowExceeded("The prompt (" + d.promptTokens() + " tokens) plus "
                    + "the answer does not fit the context window of any model able to do a " + type + " task.");
        }
        return new GatewayException.BadRequest("No configured model can take a " + type + " task: " + d.rationale(),
                "model");
    }

    /** Classifies {@code text} and decides, as for a single user message of that text. */
    public RoutingDecision decide(String text, int promptTokens, OptionalInt maxTokens) {
        return decide(classifier.classify(text), promptTokens, maxTokens);
    }

    public RoutingDecision decide(TaskProfile task, int promptTokens, OptionalInt maxTokens) {
        String type = task.type();
        double threshold = settings.threshold(type);
        int expectedOut = settings.expectedOutput(type);
        if (maxTokens.isPresent()) expectedOut = Math.min(expectedOut, maxTokens.getAsInt());
        int answerReserve = maxTokens.orElse(expectedOut);
        List<ModelProfile> models = registry.chatModels();
        int n = models.size();
        Status[] status = new Status[n];
        String[] reason = new String[n];
        double[] q = new double[n];
        double[] usd = new double[n];
        double[] relative = new double[n];
        String pin = settings.pins().get(type);
        boolean anyPriced = false;
        for (int i = 0; i < n; i++) {
            ModelProfile m = models.get(i);
            q[i] = m.quality().at(type, task.complexity());
            int out = Math.min(expectedOut, m.maxOutputTokens());
            usd[i] = CostCalculator.expectedUsd(m.prices(), promptTokens, out);
            relative[i] = m.relativeCost() * (promptTokens + out);
            if (!m.capableOf(type)) {
                status[i] = Status.NOT_CAPABLE;
                reason[i] = "not declared capable of " + type + " (task types: " + declaredTypes.get(i) + ")";
            } else if (maxTokens.isPresent() && maxTokens.getAsInt() > m.maxOutputTokens()) {
                status[i] = Status.CONTEXT_TOO_SMALL;
                reason[i] = MAX_TOKENS_OVER_LIMIT + maxTokens.getAsInt() + " exceeds its output limit " + m.maxOutputTokens();
            } else if (promptTokens + answerReserve > m.contextWindow()) {
                status[i] = Status.CONTEXT_TOO_SMALL;
                reason[i] = "needs " + (promptTokens + answerReserve) + " tokens; context window is " + m.contextWindow();
            } else if (pin != null && !pin.equals(m.id()) && !pin.equals(m.deployment().modelName())) {
                status[i] = Status.NOT_PINNED;
                reason[i] = type + " is pinned to " + pin;
            } else if (!m.prices().isFree()) {
                anyPriced = true;
            }
        }
        if (settings.securitySensitive().contains(type)) keepTopTier(models, status, reason, q, type);

        double[] basis = anyPriced ? usd : relative;
        double max = 0;
        for (int i = 0; i < n; i++) if (status[i] == null) max = Math.max(max, basis[i]);
        double[] c = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = max > 0 ? basis[i] / max : 0;
            u[i] = settings.qualityWeight() * q[i] - settings.costWeight() * c[i];
        }

        int chosen = -1;
        boolean anyQualified = false;
        for (int i = 0; i < n; i++) {
            if (status[i] != null || q[i] + EPSILON < threshold) continue;
            anyQualified = true;
            if (chosen < 0 || better(u[i], c[i], q[i], u[chosen], c[chosen], q[chosen])) chosen = i;
        }
        if (!anyQualified) {
            for (int i = 0; i < n; i++) {
                if (status[i] != null) continue;
                if (chosen < 0 || q[i] > q[chosen] + EPSILON || (Math.abs(q[i] - q[chosen]) <= EPSILON && c[i] < c[chosen])) {
                    chosen = i;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (status[i] != null) continue;
            if (i == chosen) {
                status[i] = Status.CHOSEN;
                reason[i] = anyQualified
                        ? "highest utility among candidates reaching the threshold"
                        : "no candidate reaches the threshold " + fmt(threshold) + "; highest quality instead";
            } else if (q[i] + EPSILON >= threshold) {
                status[i] = Status.QUALIFIED;
                reason[i] = "reaches the threshold but U " + fmt(u[i]) + " < " + fmt(u[chosen]);
            } else {
                status[i] = Status.BELOW_THRESHOLD;
                reason[i] = "Q " + fmt(q[i]) + " < threshold " + fmt(threshold);
            }
        }

        List<CandidateScore> scores = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ModelProfile m = models.get(i);
            scores.add(new CandidateScore(m.id(), m.deployment().modelName(), m.deployment().provider(),
                    m.deployment().upstreamModel(), m.tier(), round(q[i]), threshold, usd[i], round(c[i]), round(u[i]),
                    status[i], reason[i]));
        }
        scores.sort(ORDER);
        Optional<String> chosenId = chosen < 0 ? Optional.empty() : Optional.of(models.get(chosen).id());
        return new RoutingDecision(task, promptTokens, expectedOut, threshold, settings.qualityWeight(),
                settings.costWeight(), anyPriced ? "usd" : "relative", scores, chosenId,
                rationale(task, threshold, chosen < 0 ? null : scores.get(0), scores, anyPriced),
                registry.catalogue().version());
    }

    /** Security-sensitive work goes to the highest declared tier (or, without tiers, the best quality). */
    private static void keepTopTier(List<ModelProfile> models, Status[] status, String[] reason, double[] q, String type) {
        int top = -1;
        double bestQ = -1;
        for (int i = 0; i < models.size(); i++) {
            if (status[i] != null) continue;
            OptionalInt t = models.get(i).tier();
            if (t.isPresent()) top = Math.max(top, t.getAsInt());
            bestQ = Math.max(bestQ, q[i]);
        }
        for (int i = 0; i < models.size(); i++) {
            if (status[i] != null) continue;
            OptionalInt t = models.get(i).tier();
            boolean keep = top >= 0 ? t.isPresent() && t.getAsInt() == top : q[i] + EPSILON >= bestQ;
            if (!keep) {
                status[i] = Status.NOT_TOP_TIER;
                reason[i] = type + " is security-sensitive: only the top " + (top >= 0 ? "tier (" + top + ")" : "model")
                        + " may take it";
            }
        }
    }

    private static boolean better(double u, double c, double q, double bestU, double bestC, double bestQ) {
        if (u > bestU + EPSILON) return true;
        if (u < bestU - EPSILON) return false;
        if (c < bestC - EPSILON) return true;
        if (c > bestC + EPSILON) return false;
        return q > bestQ + EPSILON;
    }

    private static final Comparator<CandidateScore> ORDER = Comparator
            .comparingInt((CandidateScore s) -> s.status().ordinal() > Status.BELOW_THRESHOLD.ordinal()
                    ? Status.BELOW_THRESHOLD.ordinal() + 1 : s.status().ordinal())
            .thenComparing((a, b) -> switch (a.status()) {
                case QUALIFIED -> Double.compare(b.utility(), a.utility());
                case BELOW_THRESHOLD -> Double.compare(b.quality(), a.quality());
                default -> 0;
            });

    private static String rationale(TaskProfile task, double threshold, CandidateScore chosen,
            List<CandidateScore> scores, boolean usd) {
        String head = task.type() + " (complexity " + fmt(task.complexity()) + ", " + task.tier() + ")";
        if (chosen == null) {
            String why = scores.isEmpty() ? "no chat deployments are configured"
                    : String.join("; ", scores.stream().map(s -> s.deployment() + ": " + s.reason()).toList());
            return head + ": no deployment can serve it (" + why + ")";
        }
        long qualified = scores.stream().filter(s -> s.status() == Status.CHOSEN || s.status() == Status.QUALIFIED)
                .filter(s -> s.quality() + EPSILON >= threshold).count();
        return head + " -> " + chosen.deployment() + ": Q " + fmt(chosen.quality())
                + (chosen.quality() + EPSILON >= threshold ? " >= " : " < ") + "threshold " + fmt(threshold)
                + ", C " + fmt(chosen.cost()) + ", U " + fmt(chosen.utility()) + "; " + qualified + " of " + scores.size()
                + " candidates qualified; cost basis " + (usd ? "USD" : "relative cost (all candidates are free)");
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    static String fmt(double v) {
        return Decimals.fixed(v, 2);
    }
}
