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
}
