package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard serve} whose Redis does not answer, in its own JVM: one line naming the key, no password. */
class RedisStartupIT {
    @TempDir
    Path dir;

    @Test
    void aRedisThatDoesNotAnswerRefusesToStartNamingTheKeyWithoutThePassword() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                model_list:
                  - model_name: llama3.2
                    litellm_params: {model: simulated/llama3.2, rpm: 10}
                router_settings:
                  redis_host: 127.0.0.1
                  redis_port: %d
                  redis_password: hunter2
                switchboard:
                  server: {port: 0}
                  ledger: {store: none}
                """.formatted(closedPort));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Cli.class.getName(), "serve", "--config", config.toString())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the gateway started without the Redis it was configured with");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(stderr).isEqualTo(69);
        assertThat(stderr.lines().filter(l -> l.startsWith("switchboard: ")))
                .singleElement().asString()
                .startsWith("switchboard: cannot reach Redis at router_settings.redis_host (redis://****@127.0.0.1:"
                        + closedPort + "): ")
                .contains("Connection refused");
        assertThat(stderr).doesNotContain("hunter2").doesNotContain("\tat ");
    }
}
