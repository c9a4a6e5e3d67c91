package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.ledger.LedgerStats;
import dev.switchboard.core.ledger.StatsQuery;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.pipeline.Attributes;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Reply;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard demo}: the compound-prompt scenario end to end against the configured models. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a compound prompt end to end: routing decisions, routing table, merged answer, ledger summary of "
                + "this run. Logs only warnings, on stderr.")
final class DemoCommand implements Callable<Integer> {
    static final String SCENARIO = "Write the API reference documentation for our REST /users endpoints AND implement "
            + "the OAuth2 Bearer-token middleware in Python FastAPI.";

    @Option(names = "--config", description = "YAML config file. Default: built-in (simulated tiers offline).")
    Path config;

    @Option(names = "--prompt", description = "Prompt to run instead of the built-in scenario.")
    String prompt = SCENARIO;

    @Override
    public Integer call() throws Exception {
        // The output is the report: an access line or the ledger's start-up lines in the middle of it are noise.
        Logging.warningsOnly();
        SwitchboardConfig cfg = Cli.config(Optional.ofNullable(config), Optional.empty(), Optional.empty());
        PrintStream out = System.out;
        try (Switchboard engine = Switchboard.create(cfg)) {
            String auto = cfg.routing().modelNames().getFirst();
            out.println("Prompt:\n  " + prompt + "\n");
            String requestId = Switchboard.newRequestId();
            var exchange = engine.newExchange(ChatRequest.builder(auto).message(Message.user(prompt)).build(),
                    Credentials.IN_PROCESS, requestId);
            out.println("Routing decisions (dry run):");
            RouteCommand.print(out, engine.explain(exchange));

            long start = System.nanoTime();
            Reply reply = engine.handle(exchange);
            long wall = (System.nanoTime() - start) / 1_000_000;
            JsonNode report = exchange.context().get(Attributes.RESPONSE_EXTENSION).orElseThrow();
            out.printf(Locale.ROOT, "%nRouting table%n  %-4s %-16s %-20s %-10s %9s %8s %8s %12s%n", "part", "task type", "model",
                    "provider", "latency", "tokens", "status", "cost USD");
            for (JsonNode p : report.path("parts")) {
                out.printf(Locale.ROOT, "  %-4d %-16s %-20s %-10s %7d ms %8d %8s %12.6f%n", p.path("index").asInt() + 1,
                        p.path("task_type").asText(), p.path("model").asText() + (p.path("simulated").asBoolean() ? "*" : ""),
                        p.path("provider").asText(), p.path("latency_ms").asLong(),
                        p.at("/usage/completion_tokens").asInt(), p.path("status").asText(), p.path("cost_usd").asDouble());
            }
            out.printf(Locale.ROOT, "  wall clock %d ms (parts ran in parallel); cost %.6f USD; top-tier cost %.6f USD%n",
                    wall, report.path("cost_usd").asDouble(), report.path("top_tier_cost_usd").asDouble());
            if (report.path("parts").findValues("simulated").stream().anyMatch(JsonNode::asBoolean)) {
                out.println("  * simulated provider: offline stand-in answers, not a language model");
            }
            if (reply instanceof Reply.Complete c) out.println("\nMerged answer\n" + "=".repeat(72) + "\n" + c.response().text());
            engine.ledger().ifPresent(ledger -> {
                ledger.flush().join();
                // This run's records only: the ledger file may hold every earlier run's and a server's calls too.
                LedgerStats s = ledger.stats(StatsQuery.forRequest(requestId));
                out.printf(Locale.ROOT, "%nLedger summary (this run, request %s)%n  calls %d, errors %d, cost %.6f USD, "
                        + "savings vs top tier %.6f USD, by tier %s, by type %s%n", requestId, s.calls(), s.errors(),
                        s.totalCostUsd(), s.savingsUsd(), new TreeMap<>(s.callsByTier()), new TreeMap<>(s.callsByTaskType()));
            });
        }
        return 0;
    }
}
