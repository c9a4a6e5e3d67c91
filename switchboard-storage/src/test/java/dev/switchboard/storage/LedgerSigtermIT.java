package dev.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ledger.StatsQuery;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a process whose ledger still holds queued records: the shutdown hook writes them all. */
class LedgerSigtermIT {
    private static final int RECORDS = 20_000;

    @TempDir
    Path dir;

    @Test
    void sigtermWritesEveryQueuedRecordBeforeTheProcessExits() throws Exception {
        Path file = dir.resolve("ledger.db");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djava.util.logging.config.file="
                        + System.getProperty("java.util.logging.config.file", ""),
                "-cp", System.getProperty("java.class.path"), LedgerSigtermProcess.class.getName(), file.toString(),
                String.valueOf(RECORDS))
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("queued ")) output.add(line);
            assertThat(line).as("child output: %s", output).isEqualTo("queued " + RECORDS + " written 0");
            try (SqliteLedgerStore before = new SqliteLedgerStore(file)) {
                assertThat(before.stats(StatsQuery.ALL).calls()).isZero();
            }

            assertThat(process.toHandle().destroy()).isTrue(); // SIGTERM; unlike Process.destroy() keeps the output readable
            out.lines().forEach(output::add);
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child exited; output: %s", output).isTrue();
        assertThat(process.exitValue()).isEqualTo(143); // 128 + SIGTERM: the JVM ran its shutdown hooks and exited

        try (SqliteLedgerStore after = new SqliteLedgerStore(file)) {
            assertThat(after.stats(StatsQuery.ALL).calls()).isEqualTo(RECORDS);
            assertThat(after.find("req-" + (RECORDS - 1))).hasSize(1);
        }
    }
}
