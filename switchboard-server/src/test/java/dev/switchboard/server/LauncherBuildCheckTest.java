package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's "is the jar stale?" check ({@code bin/sources-newer.sh}), on a checkout laid out in a temporary
 * directory: a build follows a change to the modules the jar is built from and to nothing else, and a jar Maven left
 * as it was counts as built once marked.
 */
class LauncherBuildCheckTest {
    private static final Path SCRIPT = Path.of("..", "bin", "sources-newer.sh").toAbsolutePath().normalize();
    private static final Instant BUILT = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path root;
    private Path jar;

    @BeforeEach
    void checkout() throws Exception {
        for (String file : new String[] {"pom.xml", "core/pom.xml", "core/src/main/java/A.java", "core/src/test/java/ATest.java",
                "server/src/main/java/S.java", "bench/src/main/java/B.java"}) {
            Path p = root.resolve(file);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "x");
            Files.setLastModifiedTime(p, FileTime.from(BUILT.minusSeconds(60)));
        }
        jar = root.resolve("server/target/server.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.from(BUILT));
    }

    @Test
    void aJarNewerThanItsModulesNeedsNoBuildAndAMissingOneDoes() throws Exception {
        assertThat(needsBuild("core server")).isFalse();
        assertThat(needsBuild("")).isFalse();
        Files.delete(jar);
        assertThat(needsBuild("core server")).isTrue();
    }

    @Test
    void onlyChangesToTheJarsModulesOrTheRootPomNeedABuild() throws Exception {
        touchAfterBuild("bench/src/main/java/B.java");
        touchAfterBuild("core/src/test/java/ATest.java");
        assertThat(needsBuild("core server")).as("a benchmark or a test changed").isFalse();
        assertThat(needsBuild("")).as("every module counted").isTrue();

        touchAfterBuild("core/src/main/java/A.java");
        assertThat(needsBuild("core server")).isTrue();
        assertThat(needsBuild("server")).isFalse();

        touchAfterBuild("pom.xml");
        assertThat(needsBuild("server")).isTrue();
    }

    @Test
    void aJarMarkedBuiltCountsAsUpToDate() throws Exception {
        touchAfterBuild("core/src/main/java/A.java");
        assertThat(needsBuild("core server")).isTrue();
        bash("built \"$JAR\"");
        assertThat(needsBuild("core server")).as("Maven left the jar as it was; the launcher marked it").isFalse();
    }

    private void touchAfterBuild(String file) throws Exception {
        Files.setLastModifiedTime(root.resolve(file), FileTime.from(BUILT.plusSeconds(60)));
    }

    private boolean needsBuild(String modules) throws Exception {
        return bash("needs_build \"$JAR\" " + modules) == 0;
    }

    private int bash(String call) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source \"$SCRIPT\" && " + call).redirectErrorStream(true);
        // The paths go in the environment, so the command quotes none of them.
        pb.environment().putAll(java.util.Map.of("SCRIPT", SCRIPT.toString(), "ROOT", root.toString(), "JAR", jar.toString()));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("the check prints nothing").isEmpty();
        return p.exitValue();
    }
}
