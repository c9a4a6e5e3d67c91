package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program outside the JVM for a test (an SDK's installer or check script) and hands back what it printed. */
final class ExternalScript {
    private ExternalScript() {}

    /**
     * Runs {@code command} in {@code dir} with {@code env} added and returns its standard output; fails with its output
     * when it exits non-zero or outlives {@code seconds}, and with {@code needs} when the program is not installed.
     */
    static String run(Path dir, List<String> command, Map<String, String> env, int seconds, String what, String needs)
            throws IOException, InterruptedException {
        Path errors = Files.createTempFile("script", ".err"); // a file, so a chatty stderr cannot block the pipe
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectError(errors.toFile());
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError(command.getFirst() + " is not installed: this test needs " + needs, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(what + " did not finish in " + seconds + " s");
        }
        String err = Files.readString(errors);
        Files.delete(errors);
        assertThat(p.exitValue()).as("%s failed:%n%s%n%s", what, out, err).isZero();
        return out;
    }
}
