package dev.switchboard.server;

import dev.switchboard.core.routing.RoutingEval;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard eval routing}: score prompts with a router, for offline evaluation (APGR, CPT). */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Offline evaluation tools.",
        subcommands = {EvalCommand.Routing.class, EvalCommand.TrainLearned.class})
final class EvalCommand {

    @Command(name = "routing", mixinStandardHelpOptions = true,
            description = "Read {\"id\",\"prompt\"} lines and write one {\"id\",\"score\"} line per prompt "
                    + "(higher = needs the strong model more).")
    static final class Routing implements Callable<Integer> {
        @Option(names = "--router", required = true, description = "Router to score with: ${COMPLETION-CANDIDATES}.",
                completionCandidates = RouterNames.class)
        String router;

        @Option(names = "--prompts", required = true, description = "JSONL file of {\"id\",\"prompt\"}.")
        Path prompts;

        @Option(names = "--out", required = true, description = "JSONL file to write {\"id\",\"score\"} to.")
        Path out;

        @Override
        public Integer call() {
            int n = RoutingEval.run(router, prompts, out);
            System.err.println("switchboard: scored " + n + " prompts with the " + router + " router into " + out);
            return 0;
        }
    }

    @Command(name = "train-learned", mixinStandardHelpOptions = true,
            description = "Train the learned strong/weak router with k-fold cross-validation: prints APGR / CPT per "
                    + "source and writes the artifact. Options after --data/--out are passed on (--folds, --seed, ...).")
    static final class TrainLearned implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "Labelled prompts (train.jsonl).")
        Path data;

        @Option(names = "--out", required = true, description = "Where to write the trained artifact.")
        Path out;

        @picocli.CommandLine.Unmatched
        java.util.List<String> rest = new java.util.ArrayList<>();

        @Override
        public Integer call() {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--data", data.toString(), "--out", out.toString()));
            args.addAll(rest);
            dev.switchboard.core.routing.learned.TrainLearnedRouter.main(args.toArray(String[]::new));
            return 0;
        }
    }

    static final class RouterNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return new java.util.TreeSet<>(RoutingEval.routers()).iterator();
        }
    }
}
