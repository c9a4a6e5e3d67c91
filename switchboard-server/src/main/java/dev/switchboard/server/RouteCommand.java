package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.wire.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard route "prompt"}: the routing table for a prompt, without calling any model. */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = "Explain how a prompt would be split and routed (dry run: no model is called).")
final class RouteCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The prompt.")
    String prompt;

    @Option(names = "--json", description = "Print the full routing table as JSON.")
    boolean json;

    @Option(names = "--no-decompose", description = "Route the prompt as one task.")
    boolean noDecompose;

    @Option(names = "--config", description = "YAML config file. Default: built-in.")
    Path config;

    @Override
    public Integer call() {
        SwitchboardConfig cfg = Cli.offline(Cli.config(Optional.ofNullable(config), Optional.empty(), Optional.empty()));
        try (Switchboard engine = Switchboard.create(cfg)) {
            var exchange = engine.newExchange(ChatRequest.builder(cfg.routing().modelNames().getFirst())
                    .message(Message.user(prompt)).build(), Credentials.IN_PROCESS, Switchboard.newRequestId());
            if (noDecompose) exchange.context().set(dev.switchboard.core.stages.DecomposeStage.DECOMPOSE, false);
            ObjectNode plan = engine.explain(exchange);
            if (json) System.out.println(Json.MAPPER.valueToTree(plan).toPrettyString());
            else print(System.out, plan);
        }
        return 0;
    }

    /** The routing table in a terminal: per part, every candidate with Q, C, U and why. */
    static void print(PrintStream out, JsonNode plan) {
        out.println(plan.path("explanation").asText());
        for (JsonNode part : plan.path("parts")) {
            out.printf(Locale.ROOT, "%n[%d] %s%n", part.path("index").asInt() + 1, part.path("text").asText());
            out.printf(Locale.ROOT, "    type %s · complexity %.2f · tier %s · ~%d tokens · threshold %.2f%s%n",
                    part.path("task_type").asText(), part.path("complexity").asDouble(), part.path("tier").asText(),
                    part.path("token_estimate").asInt(), part.path("threshold").asDouble(),
                    part.path("depends_on").isInt() ? " · after part " + (part.path("depends_on").asInt() + 1) : "");
            out.printf(Locale.ROOT, "    → %s (%s)%n", part.path("model").asText(), part.path("reason").asText());
            out.printf(Locale.ROOT, "      %-22s %-10s %6s %6s %7s  %s%n", "candidate", "provider", "Q", "C", "U", "status / reason");
            for (JsonNode c : part.path("candidates")) {
                out.printf(Locale.ROOT, "      %-22s %-10s %6.3f %6.3f %+7.3f  %s: %s%n", c.path("model").asText(),
                        c.path("provider").asText(), c.path("quality").asDouble(), c.path("cost").asDouble(),
                        c.path("utility").asDouble(), c.path("status").asText(), c.path("reason").asText());
            }
        }
    }
}
