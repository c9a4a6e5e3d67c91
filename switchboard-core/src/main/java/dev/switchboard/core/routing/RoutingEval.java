package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.routing.learned.LearnedRouterModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    /** Configurable routers that pick a route without scoring the prompt. */
    private static final Set<String> MATCHERS = Set.of("rules", "semantic");

    private RoutingEval() {}

    public static Set<String> routers() {
        return new TreeSet<>(SCORERS.keySet());
    }

    public static PromptScorer scorer(String routerName) {
        Supplier<PromptScorer> s = SCORERS.get(routerName);
        if (s == null && MATCHERS.contains(routerName)) {
            throw new IllegalArgumentException("the " + routerName + " router matches a request to a route and gives no "
                    + "score, so it cannot be evaluated this way (routers that score: " + String.join(", ", routers()) + ")");
        }
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
     * @throws IllegalArgumentException for an unknown router, a file that cannot be read or written, or a line that
     *     is not JSON, lacks a string id and prompt or repeats an id (the message names the file and line), or a file
     *     with no prompts
     */
    public static int run(String routerName, Path promptsJsonl, Path outScoresJsonl) {
        return run(scorer(routerName), promptsJsonl, outScoresJsonl);
    }

    public static int run(PromptScorer scorer, Path promptsJsonl, Path outScoresJsonl) {
        ObjectMapper json = Json.MAPPER;
        List<String> lines;
        try {
            lines = Files.readAllLines(promptsJsonl);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(promptsJsonl + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(promptsJsonl + ": cannot read it (" + e.getMessage() + ")");
        }
        // Every line is checked before anything is written: a bad file leaves no half-written scores behind.
        Map<String, Integer> seen = new HashMap<>();
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String where = promptsJsonl + ":" + (i + 1) + ": ";
            if (lines.get(i).isBlank()) continue;
            JsonNode node;
            try {
                node = json.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(where + "not a JSON object");
            }
            JsonNode id = node.get("id");
            JsonNode prompt = node.get("prompt");
            if (id == null || !id.isValueNode() || id.isNull() || prompt == null || !prompt.isTextual()) {
                throw new IllegalArgumentException(where + "needs \"id\" and a string \"prompt\"");
            }
            Integer earlier = seen.putIfAbsent(id.asText(), i + 1);
            if (earlier != null) {
                throw new IllegalArgumentException(where + "id " + id + " again (first on line " + earlier
                        + "): scores are matched to labels by id");
            }
            ObjectNode row = json.createObjectNode();
            row.set("id", id);
            row.put("score", scorer.score(prompt.asText()));
            rows.add(row);
        }
        // An empty score file would only fail later, in the scoring script, further from the cause.
        if (rows.isEmpty()) throw new IllegalArgumentException(promptsJsonl + ": no prompts (the file has no lines, or only blank ones)");
        Path target = outScoresJsonl.toAbsolutePath();
        if (!Files.isDirectory(target.getParent())) throw new IllegalArgumentException(outScoresJsonl + ": no such directory");
        // Checked first: the partial file is written next to the target, which for a directory is its parent.
        if (Files.isDirectory(target)) throw new IllegalArgumentException(outScoresJsonl + ": is a directory, not a file to write");
        try {
            Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
            try (BufferedWriter out = Files.newBufferedWriter(partial)) {
                for (ObjectNode row : rows) {
                    out.write(json.writeValueAsString(row));
                    out.newLine();
                }
                out.close();
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(outScoresJsonl + ": cannot write it (" + e.getMessage() + ")");
        }
        return rows.size();
    }
}
