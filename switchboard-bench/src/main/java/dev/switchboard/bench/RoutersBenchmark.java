package dev.switchboard.bench;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.spi.RouterFactory;
import dev.switchboard.core.stages.Router;
import java.util.Optional;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One routing decision of each configurable router, built from YAML through its {@link RouterFactory} exactly as
 * the gateway builds it (bars: rules ≤ 50 µs p99, semantic ≤ 3 ms p99). The prompt is a realistic short question.
 */
@State(Scope.Benchmark)
public class RoutersBenchmark extends GatewayJvmBenchmark {
    @Param({"rules", "learned", "semantic"})
    public String router;

    private static final String MODELS = """
            model_list:
              - model_name: cheap
                litellm_params: {model: simulated/cheap}
              - model_name: strong
                litellm_params: {model: simulated/strong}
              - model_name: smart
                litellm_params: {model: simulated/strong}
            switchboard:
              routers:
            """;

    private static final String RULES = """
                - rules:
                    model: smart
                    rules:
                      - {name: greetings, keywords: [hello, thanks, good morning], max-chars: 80, target: cheap}
                      - {name: vip, headers: {x-user-tier: gold}, target: strong}
                      - {name: stack-traces, pattern: "(?i)exception|traceback|segfault", target: strong}
                      - {name: code, has-code: true, target: strong}
                      - {name: long, min-chars: 2000, target: strong}
                      - {name: everything-else, min-chars: 0, target: cheap}
            """;

    private static final String LEARNED = """
                - learned: {model: smart, strong-model: strong, weak-model: cheap, strong-pct: 0.3}
            """;

    private static final String SEMANTIC = """
                - semantic:
                    model: smart
                    routes:
                      - name: code
                        target: strong
                        threshold: 0.4
                        utterances: ["write a function that parses a date", "my Java service crashes with an exception",
                                     "why does my SQL query return duplicates?"]
                      - name: chit-chat
                        target: cheap
                        utterances: ["hello, how are you?", "thanks a lot", "tell me a joke"]
            """;

    private Router chosen;
    private Exchange exchange;

    @Setup
    public void setup() {
        String routers = switch (router) {
            case "rules" -> RULES;
            case "learned" -> LEARNED;
            default -> SEMANTIC;
        };
        SwitchboardConfig config = new ConfigLoader(k -> null, Set.of("simulated")).parse(MODELS + routers, "bench");
        chosen = RouterFactory.configured(config).getFirst();
        String prompt = "My Spring Boot service throws a NullPointerException when the cache is cold; "
                + "what is the usual cause and how do I fix it?";
        exchange = Exchange.of("r", ChatRequest.builder("smart").message(Message.user(prompt)).build(),
                Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
        if (chosen.route(exchange).isEmpty()) throw new IllegalStateException(router + " did not route the benchmark prompt");
    }

    @Benchmark
    public Optional<RoutePlan> decide() {
        return chosen.route(exchange);
    }
}
