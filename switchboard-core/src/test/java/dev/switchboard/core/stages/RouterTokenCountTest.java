package dev.switchboard.core.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.reliability.TokenEstimate;
import dev.switchboard.core.routing.ModelRegistry;
import dev.switchboard.core.routing.PriceCatalogue;
import dev.switchboard.core.routing.TaskClassifier;
import dev.switchboard.core.routing.TaskSplitter;
import dev.switchboard.core.routing.UtilityRouter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The utility router counts the prompt for its context-window check; the stages after it (the fallback stage's
 * context and TPM checks) take that count rather than tokenize the same prompt again.
 */
class RouterTokenCountTest {
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final RoutingSettings SETTINGS = RoutingSettings.defaults();
    private static final UtilityRouter ROUTER = new UtilityRouter(
            new ModelRegistry(List.of(PartExecutorTest.MODEL), PriceCatalogue.builtIn()), SETTINGS,
            new TaskClassifier(SETTINGS, TOKENS), TOKENS);

    /** Each call's prompt: the count handed along with it (-1 when none was), and its real count. */
    private final Map<String, int[]> counts = new ConcurrentHashMap<>();

    private final Chain model = exchange -> {
        int handed;
        try {
            handed = TokenEstimate.of(exchange, null).prompt(); // no counter: only a count handed along can answer
        } catch (NullPointerException e) {
            handed = -1;
        }
        counts.put(exchange.requestId(), new int[] {handed, TOKENS.countPrompt(exchange.chat())});
        return new Reply.Complete(new ChatResponse("up-1", 1, "m-upstream", List.of(new Choice(0, Message.assistant("done"),
                Optional.of(FinishReason.STOP), Optional.empty())), Optional.of(Usage.of(10, 5)), Optional.empty(),
                Optional.empty()));
    };

    private static Exchange exchange(String id, String prompt) {
        ChatRequest request = ChatRequest.builder("switchboard/auto").message(Message.system("Be brief."))
                .message(Message.user(prompt)).maxTokens(300).build();
        return Exchange.of(id, request, Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
    }

    private static DecomposeStage decompose() {
        return new DecomposeStage(SETTINGS, new TaskSplitter(SETTINGS), ROUTER,
                new SpendCalculator(List.of(PartExecutorTest.MODEL),
                        new ModelRegistry(List.of(PartExecutorTest.MODEL), PriceCatalogue.builtIn())), Ticker.SYSTEM);
    }

    @Test
    void everyPartThatSendsThePromptItWasPlannedForCarriesTheRoutersCount() {
        decompose().apply(exchange("split", "Summarise the CAP theorem and also write a Python function that reverses a list."), model);
        decompose().apply(exchange("one", "What is DNS?"), model); // one task: the client's own request goes to the model

        assertThat(counts).containsOnlyKeys("split.0", "split.1", "one.0");
        assertThat(counts.values()).allSatisfy(c -> assertThat(c[0]).as("handed along").isEqualTo(c[1]).isPositive());
    }

    @Test
    void aPartGivenAnEarlierPartsAnswerSendsAnotherPromptSoItIsCountedAfresh() {
        decompose().apply(exchange("req", "Write a Python function that parses ISO dates and then write unit tests for it"), model);

        assertThat(counts.get("req.0")[0]).isEqualTo(counts.get("req.0")[1]);
        assertThat(counts.get("req.1")[0]).as("the router counted the part without the earlier answer").isEqualTo(-1);
    }

    @Test
    void aRequestTheRouteStageRoutesCarriesItsRoutersCount() {
        new RouteStage(List.of(ROUTER)).apply(exchange("req", "Explain the difference between TCP and UDP."), model);

        assertThat(counts.get("req")[0]).isEqualTo(counts.get("req")[1]).isPositive();
    }
}
