package dev.switchboard.core.routing.rules;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RequestHeaders;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.Router;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Cheap, explainable routing: ordered rules on request attributes, the first match names the model group. A
 * request for another model, a non-chat request, or one no rule matches falls through (empty), so the next
 * router in the chain decides.
 */
public final class RulesRouter implements Router {
    public static final String NAME = "rules";

    /** Fenced blocks, or lines that look like statements in common languages. */
    private static final Pattern CODE = Pattern.compile(
            "```|^\\s*(def |class |import |from \\S+ import |#include|public |private |function |const |let |var |"
                    + "return |for ?\\(|if ?\\(|while ?\\(|SELECT |select )|[;{}]\\s*$|=>|\\w+\\([^)]*\\)\\s*\\{",
            Pattern.MULTILINE);

    private final RulesRouterConfig config;
    private final ModelGroupRouter groups;

    /** @throws ConfigException when a rule targets no model group, or one of embedding models */
    public RulesRouter(RulesRouterConfig config, Map<String, List<Deployment>> modelGroups) {
        for (int i = 0; i < config.rules().size(); i++) {
            ModelGroupRouter.requireChatGroup(modelGroups, "rules[" + i + "].target", config.rules().get(i).target());
        }
        this.config = config;
        this.groups = new ModelGroupRouter(modelGroups);
    }

    @Override
    public Optional<RoutePlan> route(Exchange exchange) {
        if (!exchange.isChat() || !exchange.request().model().equals(config.model())) return Optional.empty();
        ChatRequest chat = exchange.chat();
        Optional<RequestHeaders> headers = exchange.context().get(RequestHeaders.KEY);
        String text = chat.lastUserText();
        for (RoutingRule rule : config.rules()) {
            if (!matches(rule, chat, text, headers)) continue;
            return groups.route(exchange.withRequest(chat.withModel(rule.target())))
                    .map(plan -> new RoutePlan(plan.candidates(), NAME,
                            "rule '" + rule.name() + "' → " + rule.target()));
        }
        return Optional.empty();
    }

    @Override
    public boolean answersEveryChat(String model) {
        return model.equals(config.model()) && config.rules().stream().anyMatch(RoutingRule::matchesEveryRequest);
    }

    /** The first matching rule for a request, for explanations and tests. */
    public Optional<RoutingRule> firstMatch(ChatRequest chat, Optional<RequestHeaders> headers) {
        String text = chat.lastUserText();
        return config.rules().stream().filter(r -> matches(r, chat, text, headers)).findFirst();
    }

    static boolean matches(RoutingRule rule, ChatRequest chat, String text, Optional<RequestHeaders> headers) {
        int length = text.length();
        if (rule.minChars().isPresent() && length < rule.minChars().getAsInt()) return false;
        if (rule.maxChars().isPresent() && length > rule.maxChars().getAsInt()) return false;
        if (rule.hasTools().isPresent() && rule.hasTools().get() == chat.tools().isEmpty()) return false;
        for (var e : rule.metadata().entrySet()) {
            String value = chat.metadata().get(e.getKey());
            if (value == null || !e.getValue().contains(value)) return false;
        }
        for (var e : rule.headers().entrySet()) {
            Optional<String> value = headers.flatMap(h -> h.get(e.getKey()));
            if (value.isEmpty() || !e.getValue().contains(value.get().toLowerCase(Locale.ROOT))) return false;
        }
        if (!rule.keywords().isEmpty() && !containsAny(text.toLowerCase(Locale.ROOT), rule.keywords())) return false;
        if (rule.pattern().isPresent() && !rule.pattern().get().matcher(text).find()) return false;
        if (rule.hasCode().isPresent() && rule.hasCode().get() != looksLikeCode(text)) return false;
        return true;
    }

    /** Keywords match on word boundaries, so "hi" does not match "this". */
    private static boolean containsAny(String lowerText, List<String> keywords) {
        for (String k : keywords) {
            int from = 0;
            while (true) {
                int at = lowerText.indexOf(k, from);
                if (at < 0) break;
                int end = at + k.length();
                boolean startOk = at == 0 || !Character.isLetterOrDigit(lowerText.charAt(at - 1));
                boolean endOk = end == lowerText.length() || !Character.isLetterOrDigit(lowerText.charAt(end));
                if (startOk && endOk) return true;
                from = at + 1;
            }
        }
        return false;
    }

    static boolean looksLikeCode(String text) {
        return CODE.matcher(text).find();
    }
}
