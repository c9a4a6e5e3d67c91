package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingEvalTest {
    @TempDir
    Path dir;

    @Test
    void writesOneScoreLinePerPromptInInputOrder() throws Exception {
        Path prompts = dir.resolve("prompts.jsonl");
        Files.write(prompts, List.of("{\"id\":\"a\",\"prompt\":\"hi\"}", "",
                "{\"id\":\"b\",\"prompt\":\"Prove that the square root of two is irrational.\"}",
                "{\"id\":7,\"prompt\":\"What is 12 * 13?\"}"));
        Path out = dir.resolve("scores.jsonl");
        assertThat(RoutingEval.run("learned", prompts, out)).isEqualTo(3);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = Files.readAllLines(out).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(rows).extracting(r -> r.get("id").asText()).containsExactly("a", "b", "7");
        assertThat(rows.get(2).get("id").isInt()).isTrue();
        for (JsonNode r : rows) assertThat(r.get("score").asDouble()).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void theLengthBaselineScoresByCharacters() throws Exception {
        Path prompts = dir.resolve("p.jsonl");
        Files.write(prompts, List.of("{\"id\":\"s\",\"prompt\":\"abc\"}", "{\"id\":\"l\",\"prompt\":\"abcdefgh\"}"));
        Path out = dir.resolve("s.jsonl");
        RoutingEval.run("length", prompts, out);
        assertThat(Files.readAllLines(out)).containsExactly("{\"id\":\"s\",\"score\":3.0}", "{\"id\":\"l\",\"score\":8.0}");
    }

    @Test
    void anUnknownRouterOrABadLineIsRefused() throws Exception {
        Path prompts = dir.resolve("p.jsonl");
        Files.write(prompts, List.of("{\"id\":\"x\"}"));
        assertThatThrownBy(() -> RoutingEval.run("nope", prompts, dir.resolve("o.jsonl")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learned");
        assertThatThrownBy(() -> RoutingEval.run("length", prompts, dir.resolve("o.jsonl")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":1:");
    }

    @Test
    void aBadFileIsRefusedWithItsLineAndLeavesNoScoresBehind() throws Exception {
        Path out = dir.resolve("o.jsonl");
        Path duplicate = dir.resolve("dup.jsonl");
        Files.write(duplicate, List.of("{\"id\":\"a\",\"prompt\":\"x\"}", "{\"id\":\"b\",\"prompt\":\"y\"}",
                "{\"id\":\"a\",\"prompt\":\"z\"}"));
        assertThatThrownBy(() -> RoutingEval.run("length", duplicate, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":3:").hasMessageContaining("line 1");
        Path malformed = dir.resolve("bad.jsonl");
        Files.write(malformed, List.of("{\"id\":\"a\",\"prompt\":\"x\"}", "{not json"));
        assertThatThrownBy(() -> RoutingEval.run("length", malformed, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad.jsonl:2: not a JSON object");
        assertThat(out).doesNotExist();
        assertThatThrownBy(() -> RoutingEval.run("length", dir.resolve("missing.jsonl"), out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
        Path good = dir.resolve("good.jsonl");
        Files.write(good, List.of("{\"id\":\"a\",\"prompt\":\"x\"}"));
        assertThatThrownBy(() -> RoutingEval.run("length", good, dir.resolve("nowhere/o.jsonl")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such directory");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    /** A router that matches rather than scores is named as such, not as unknown. */
    @Test
    void aRouterThatDoesNotScoreIsSaidSo() throws Exception {
        Path prompts = dir.resolve("p.jsonl");
        Files.write(prompts, List.of("{\"id\":\"a\",\"prompt\":\"x\"}"));
        for (String router : List.of("rules", "semantic")) {
            assertThatThrownBy(() -> RoutingEval.run(router, prompts, dir.resolve("o.jsonl")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the " + router + " router matches a request to a route and gives no score, so it cannot "
                            + "be evaluated this way (routers that score: learned, length)");
        }
    }

    /** A file with no prompts is refused rather than scored into an empty file the scoring script then chokes on. */
    @Test
    void aFileWithNoPromptsIsRefused() throws Exception {
        Path empty = Files.write(dir.resolve("empty.jsonl"), List.of("", "  "));
        Path out = dir.resolve("o.jsonl");
        assertThatThrownBy(() -> RoutingEval.run("length", empty, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty.jsonl: no prompts");
        assertThat(out).doesNotExist();
    }

    /** An output path that is a directory is refused and leaves no partial file in its parent (it left one behind). */
    @Test
    void anOutputThatIsADirectoryIsRefusedAndLeavesNothingBehind() throws Exception {
        Path prompts = Files.write(dir.resolve("p.jsonl"), List.of("{\"id\":\"a\",\"prompt\":\"x\"}"));
        Path outDir = Files.createDirectory(dir.resolve("scores"));
        assertThatThrownBy(() -> RoutingEval.run("length", prompts, outDir))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(outDir + ": is a directory, not a file to write");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }
}
