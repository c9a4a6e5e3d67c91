package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The dry run: how a prompt would be split and where each part would go, without calling any model.
 * Backs {@code POST /v1/route}, the CLI {@code route} command and the UI's dry-run toggle. The result
 * serialises with Jackson (register {@code Jdk8Module} for the optional fields) using snake_case names.
 */
public final class RouteExplainer {
    /**
     * One part of the prompt and its routing table.
     *
     * @param index 0-based position; answers are merged in this order
     * @param dependsOn the index of the part whose answer this part receives, if any
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PartDecision(int index, String text, Optional<Integer> dependsOn, String explanation,
            RoutingDecision decision) {}

    /** The whole dry run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RouteExplanation(String prompt, boolean decomposed, List<PartDecision> parts,
            String catalogueVersion) {
        public RouteExplanation {
            parts = List.copyOf(parts);
        }
    }

    private final TaskSplitter splitter;
    private final UtilityRouter router;
    private final TokenCounter tokens;

    public RouteExplainer(TaskSplitter splitter, UtilityRouter router, TokenCounter tokens) {
        this.splitter = splitter;
        this.router = router;
        this.tokens = tokens;
    }

    public static RouteExplainer create(SwitchboardConfig config, TokenCounter tokens) {
        return new RouteExplainer(new TaskSplitter(config.routing()), UtilityRouter.create(config, tokens), tokens);
    }

    /** Explains with decomposition as configured ({@code switchboard.routing.decompose}). */
    public RouteExplanation explain(String prompt) {
        return explain(prompt, router.settings().decompose());
    }

    public RouteExplanation explain(String prompt, boolean decompose) {
        if (prompt.isBlank()) throw new GatewayException.BadRequest("The prompt is empty.", "prompt");
        List<SubTask> tasks = decompose ? splitter.split(prompt)
                : List.of(new SubTask(prompt, 0, Optional.empty(), "decomposition is off: one task"));
        List<PartDecision> parts = new ArrayList<>(tasks.size());
        for (SubTask t : tasks) {
            int promptTokens = tokens.countPrompt(ChatRequest.builder(router.settings().modelNames().get(0))
                    .message(Message.user(t.text())).build());
            // A dependent part also reads the earlier answer.
            if (t.dependsOn().isPresent()) promptTokens += parts.get(t.dependsOn().get()).decision().expectedOutputTokens();
            RoutingDecision d = router.decide(router.classifier().classify(t.text()), promptTokens, OptionalInt.empty());
            parts.add(new PartDecision(t.order(), t.text(), t.dependsOn(), t.explanation(), d));
        }
        return new RouteExplanation(prompt, tasks.size() > 1, parts, router.registry().catalogue().version());
    }
}
