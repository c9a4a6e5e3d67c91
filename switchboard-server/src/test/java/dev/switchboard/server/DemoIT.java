package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard demo} as a user runs it, in its own JVM: its output is the report alone, and its ledger summary
 * is about its own run. It used to print an access-log line in the middle of the report, and a summary of every call
 * ever recorded in the ledger file (the second run counted the first run's calls too).
 */
class DemoIT {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run demo(Path config) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Cli.class.getName(), "demo", "--config", config.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("demo finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theDemoPrintsOnlyItsReportAndSummarisesOnlyItsOwnCalls() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                model_list:
                  - model_name: writer
                    litellm_params: {model: simulated/writer, simulation: {time-to-first-token: 10ms}}
                    model_info: {tier: 1, task-types: [documentation, summarisation, qa_simple]}
                  - model_name: coder
                    litellm_params: {model: simulated/coder, simulation: {time-to-first-token: 10ms}}
                    model_info: {tier: 3, task-types: [code_generation, code_review, reasoning]}
                switchboard:
                  ledger: {store: sqlite, path: "%s"}
                """.formatted(dir.resolve("ledger.db")));

        Run first = demo(config);
        Run second = demo(config);

        assertThat(second.out()).as("the second run's summary counts its own two parts only")
                .contains("calls 2, errors 0").contains("by type {code_generation=1, documentation=1}");
        for (Run run : new Run[] {first, second}) {
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out().lines()).as("no access-log line in the report")
                    .noneMatch(l -> l.startsWith("{\"ts\"") || l.contains("\"request_id\""));
            assertThat(run.err().lines()).as("no INFO logging").noneMatch(l -> l.startsWith("INFO"));
            assertThat(run.out()).contains("Routing table", "Merged answer", "Ledger summary (this run");
        }
    }
}
