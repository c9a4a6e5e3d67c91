package dev.switchboard.bench;

import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.DefaultConfig;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.routing.TaskSplitter;
import dev.switchboard.core.routing.UtilityRouter;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Classify + route one prompt with the utility router over the default four tiers (bar: ≤ 50 µs p99). */
@State(Scope.Benchmark)
public class RoutingBenchmark extends GatewayJvmBenchmark {
    @Param({"short", "compound", "long"})
    public String prompt;

    private UtilityRouter router;
    private TaskSplitter splitter;
    private Exchange exchange;
    private String text;
    private TokenCounter tokens;

    @Setup
    public void setup() {
        SwitchboardConfig config = DefaultConfig.load(k -> null, Set.of("simulated"));
        tokens = new TokenCounter();
        router = UtilityRouter.create(config, tokens);
        splitter = new TaskSplitter(config.routing());
        text = switch (prompt) {
            case "short" -> "What is a mutex?";
            case "compound" -> "Write the API reference documentation for our REST /users endpoints AND implement the "
                    + "OAuth2 Bearer-token middleware in Python FastAPI.";
            // The README's ~400 words: the whole paragraph twenty times (380 words, 2,700 characters, 501 tokens).
            default -> ("Review this diff for security issues. First, check the input validation; then, evaluate the "
                    + "trade-off between caching and consistency. ").repeat(20);
        };
        exchange = Exchange.of("r", ChatRequest.builder("switchboard/auto").message(Message.user(text)).build(),
                Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
    }

    @Benchmark
    public RoutePlan classifyAndRoute() {
        return router.route(exchange).orElseThrow();
    }

    /** The two halves of {@link #classifyAndRoute}'s text work, to see which one a long prompt's time goes to. */
    @Benchmark
    public int countTokens() {
        return tokens.count(text);
    }

    @Benchmark
    public Object classify() {
        return router.classifier().classify(text, 100);
    }

    @Benchmark
    public List<?> splitClassifyAndRouteEachPart() {
        return splitter.split(text).stream().map(part -> router.decide(part.text(), 64, java.util.OptionalInt.empty())).toList();
    }
}
