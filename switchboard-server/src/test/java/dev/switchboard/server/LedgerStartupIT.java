package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard serve} whose ledger cannot open, in its own JVM: one line saying where and why, not a stack trace. */
class LedgerStartupIT {
    @TempDir
    Path dir;

    @Test
    void aLedgerFileThatIsNotADatabaseRefusesToStartNamingTheKeyAndThePath() throws Exception {
        Path notADatabase = Files.writeString(dir.resolve("notes.db"), "these are my notes\n".repeat(300));
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                model_list:
                  - model_name: llama3.2
                    litellm_params: {model: simulated/llama3.2}
                switchboard:
                  server: {port: 0}
                  ledger: {store: sqlite, path: "%s"}
                """.formatted(notADatabase));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Cli.class.getName(), "serve", "--config", config.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the gateway started on a ledger file that is not a database");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(stderr).isEqualTo(69);
        assertThat(stderr.lines().filter(l -> l.startsWith("switchboard: ")))
                .singleElement().asString()
                .startsWith("switchboard: cannot open the ledger at switchboard.ledger.path (" + notADatabase + "): ")
                .contains("not a database");
        assertThat(stderr).doesNotContain("\tat ");
        assertThat(Files.readString(notADatabase)).startsWith("these are my notes");
    }
}
