package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.routing.learned.LearnedRouterModel;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Offline evaluation of a scoring router: reads {@code {"id", "prompt"}} lines and writes one
 * {@code {"id", "score"}} line per prompt, in input order, for {@code data/routing/score.py}.
 *
 * <p>Routers: {@code learned} (the bundled trained model) and {@code length} (prompt length in characters, the
 * usual baseline).
 */
public final class RoutingEval {
    private static final Map<String, Supplier<PromptScorer>> SCORERS = Map.of(
            "learned", () -> LearnedRouterModel.bundled()::score,
            "length", () -> prompt -> prompt.length());

    private RoutingEval() {}

    public static Set<String> routers() {
        return new TreeSet<>(SCORERS.keySet());
    }

    public static PromptScorer scorer(String routerName) {
        Supplier<PromptScorer> s = SCORERS.get(routerName);
        if (s == null) {
            throw new IllegalArgumentException("unknown router '" + routerName + "' (known: "
                    + String.join(", ", routers()) + ")");
        }
        return s.get();
    }

    /**
     * Scores every prompt of {@code promptsJsonl} into {@code outScoresJsonl}.
     *
     * @return the number of prompts scored
     * @throws IllegalArgumentException for an unknown router, or a line without a string id and prompt
     */
    public static int run(String routerName, Path promptsJsonl, Path outScoresJsonl) {
        return run(scorer(routerName), promptsJsonl, outScoresJsonl);
    }

    public static int run(PromptScorer scorer, Path promptsJsonl, Path outScoresJsonl) {
        ObjectMapper json = Json.MAPPER;
        int count = 0;
        try (BufferedReader in = Files.newBufferedReader(promptsJsonl);
                BufferedWriter out = Files.newBufferedWriter(outScoresJsonl)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode node = json.readTree(line);
                JsonNode id = node.get("id");
                JsonNode prompt = node.get("prompt");
                if (id == null || !id.isValueNode() || prompt == null || !prompt.isTextual()) {
                    throw new IllegalArgumentException(promptsJsonl + ":" + lineNo + ": needs \"id\" and a string \"prompt\"");
                }
                ObjectNode row = json.createObjectNode();
                row.set("id", id);
                row.put("score", scorer.score(prompt.asText()));
                out.write(json.writeValueAsString(row));
                out.newLine();
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }
}
