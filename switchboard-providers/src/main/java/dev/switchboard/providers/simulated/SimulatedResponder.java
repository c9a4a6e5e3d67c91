package dev.switchboard.providers.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated model: a deterministic answer derived from the request (same messages, model and seed →
 * same answer, under a new response id each time). It says plainly that it is simulated; it never poses as a real model. It honours
 * {@code max_tokens} (finish reason length), {@code stop}, {@code n}, tools (a call with schema-valid
 * arguments when the prompt fits a tool, or when {@code tool_choice} demands one) and response formats
 * (valid JSON, matching the schema). Usage is counted with the real tokenizer.
 */
final class SimulatedResponder {
    /** Roughly one token each: a word with its leading space, a run of punctuation, or whitespace. */
    private static final Pattern PIECE = Pattern.compile("\\s*[\\p{L}\\p{N}_]+|\\s*[^\\s\\p{L}\\p{N}_]+|\\s+");
    private static final Pattern WORDS = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Set<String> STOPWORDS = Set.of("the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with",
            "is", "are", "be", "by", "at", "from", "this", "that", "it", "as", "get", "set", "current", "given", "data",
            "info", "information", "value", "values", "list", "item", "items", "use", "using", "tool", "function", "call",
            "returns", "return", "e", "g", "eg", "what", "how", "me", "my", "you", "your", "please", "can", "could");
    private static final String[] NOTES = {
        "A real model would now work through the request and answer it directly; this reply only stands in for one.",
        "The reply has the length and pacing of a real answer, so routing, streaming, budgets and fallbacks can be exercised offline.",
        "Token usage is counted with a real tokenizer, so rate limits and cost tracking behave as they would with a real model.",
        "Point this model name at a real provider (OpenAI, Anthropic, Gemini or a local Ollama) to get real answers.",
        "Timing follows the deployment's simulation settings: time to first token and tokens per second.",
        "The same request with the same seed always gets this same reply, which keeps tests and demos reproducible.",
    };

    private final TokenCounter tokens;

    SimulatedResponder(TokenCounter tokens) {
        this.tokens = tokens;
    }

    SimulatedCompletion respond(ChatRequest request, long created) {
        return respond(request, created, SimulationSettings.Answer.NORMAL);
    }

    /** With {@code answer} other than normal, every choice is that kind of poor answer (see {@link SimulationSettings}). */
    SimulatedCompletion respond(ChatRequest request, long created, SimulationSettings.Answer answer) {
        long seed = seed(request);
        int n = request.n().orElse(1);
        List<SimulatedCompletion.Choice> choices = new ArrayList<>(n);
        int completion = 0;
        for (int i = 0; i < n; i++) {
            SimulatedCompletion.Choice c = answer == SimulationSettings.Answer.NORMAL
                    ? choice(request, i, seed + 0x9E3779B97F4A7C15L * i)
                    : poor(request, i, seed + 0x9E3779B97F4A7C15L * i, answer);
            choices.add(c);
            completion += tokens.count(c.text());
            for (ToolCall call : c.toolCalls()) completion += tokens.count(call.name()) + tokens.count(call.arguments());
        }
        // The answer is deterministic; its id is not: like a real provider's, it names this one response.
        String id = "chatcmpl-sim-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        return new SimulatedCompletion(id, created, request.model(), choices,
                Usage.of(tokens.countPrompt(request), completion));
    }

    private SimulatedCompletion.Choice choice(ChatRequest request, int index, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String prompt = request.lastUserText();
        List<Tool> toCall = toolsToCall(request, prompt);
        if (!toCall.isEmpty()) {
            List<ToolCall> calls = new ArrayList<>();
            List<List<SimulatedCompletion.Piece>> argPieces = new ArrayList<>();
            for (Tool t : toCall) {
                JsonNode args = new SchemaValueGenerator(t.parameters(), prompt, random.nextLong()).generate();
                String text = Json.text(args);
                calls.add(new ToolCall("call_" + HexFormat.of().toHexDigits(random.nextLong()).substring(0, 12), t.name(), text));
                argPieces.add(pieces(text));
            }
            return new SimulatedCompletion.Choice(index, List.of(), calls, argPieces, FinishReason.TOOL_CALLS);
        }
        String text = switch (request.responseFormat().orElse(new ResponseFormat.Text())) {
            case ResponseFormat.JsonSchema s -> Json.text(new SchemaValueGenerator(s.schema(), prompt, random.nextLong()).generate());
            case ResponseFormat.JsonObject j -> Json.text(Json.object().put("simulated", true).put("model", request.model())
                    .put("task", restate(prompt, 160)).put("answer", NOTES[random.nextInt(NOTES.length)]));
            case ResponseFormat.Text t -> prose(request, prompt, random);
        };
        FinishReason finish = FinishReason.STOP;
        int cut = firstStop(text, request.stop());
        if (cut >= 0) text = text.substring(0, cut);
        List<SimulatedCompletion.Piece> pieces = pieces(text);
        if (request.maxTokens().isPresent()) {
            int max = request.maxTokens().getAsInt();
            List<SimulatedCompletion.Piece> kept = new ArrayList<>();
            int used = 0;
            for (SimulatedCompletion.Piece p : pieces) {
                if (used + p.tokens() > max) break;
                kept.add(p);
                used += p.tokens();
            }
            // Pieces are counted alone; the whole text may tokenise a little differently, so recheck it.
            while (!kept.isEmpty() && tokens.count(join(kept)) > max) kept.removeLast();
            if (kept.size() < pieces.size()) {
                pieces = kept;
                finish = FinishReason.LENGTH;
            }
        }
        return new SimulatedCompletion.Choice(index, pieces, List.of(), List.of(), finish);
    }

    /** A deliberately poor answer; each one still says it comes from the simulator. */
    private SimulatedCompletion.Choice poor(ChatRequest request, int index, long seed, SimulationSettings.Answer answer) {
        String text = switch (answer) {
            case REFUSAL -> "I'm sorry, but I can't help with that request. (Simulated refusal: simulation.answer is 'refusal'.)";
            case DONT_KNOW -> "I don't know. (Simulated: simulation.answer is 'dont-know'.)";
            case EMPTY -> "";
            case INVALID_JSON -> "{\"simulated\": true, \"answer\": \"cut off before the JSON was closed";
            case TRUNCATED, NORMAL -> prose(request, request.lastUserText(), new SplittableRandom(seed));
        };
        List<SimulatedCompletion.Piece> pieces = pieces(text);
        if (answer == SimulationSettings.Answer.TRUNCATED) {
            // Cut where a max_tokens limit would have: a third of the answer, finish reason length.
            return new SimulatedCompletion.Choice(index, pieces.subList(0, Math.max(1, pieces.size() / 3)), List.of(), List.of(),
                    FinishReason.LENGTH);
        }
        return new SimulatedCompletion.Choice(index, pieces, List.of(), List.of(), FinishReason.STOP);
    }

    private String prose(ChatRequest request, String prompt, SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        sb.append("**Simulated answer.** `").append(request.model())
                .append("` is served by Switchboard's offline simulator: no language model wrote this reply.\n\n");
        Message last = request.messages().isEmpty() ? null : request.messages().getLast();
        if (last != null && last.role() == Role.TOOL) {
            sb.append("**Tool result received:** ").append(restate(last.text(), 200)).append("\n\n");
            sb.append("A real model would now turn this result into an answer to: ").append(restate(prompt, 160)).append("\n\n");
        } else {
            sb.append("**Your request:** ").append(prompt.isBlank() ? "(no user message)" : restate(prompt, 200));
            long images = request.messages().stream().flatMap(m -> m.content().stream())
                    .filter(p -> p instanceof ContentPart.Image).count();
            if (images > 0) sb.append(" (with ").append(images).append(images == 1 ? " image)" : " images)");
            sb.append("\n\n");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < NOTES.length; i++) order.add(i);
        int count = 2 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(order.size() - i);
            int note = order.set(j, order.get(i));
            order.set(i, note);
            sb.append("- ").append(NOTES[note]).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    /** Named or required choices always call; auto calls the tools whose names or descriptions the prompt mentions. */
    private static List<Tool> toolsToCall(ChatRequest request, String prompt) {
        if (request.tools().isEmpty()) return List.of();
        ToolChoice choice = request.toolChoice().orElse(new ToolChoice.Auto());
        switch (choice) {
            case ToolChoice.None n -> {
                return List.of();
            }
            case ToolChoice.Named named -> {
                return request.tools().stream().filter(t -> t.name().equals(named.name())).limit(1).toList();
            }
            default -> { }
        }
        Set<String> words = words(prompt);
        Tool best = null;
        int bestScore = 0;
        List<Tool> fitting = new ArrayList<>();
        for (Tool t : request.tools()) {
            int score = score(t, words);
            if (score >= 2) fitting.add(t);
            if (score > bestScore) {
                best = t;
                bestScore = score;
            }
        }
        boolean required = choice instanceof ToolChoice.Required;
        boolean afterToolResult = !request.messages().isEmpty() && request.messages().getLast().role() == Role.TOOL;
        if (afterToolResult && !required) return List.of();
        if (fitting.isEmpty()) return required ? List.of(best != null ? best : request.tools().getFirst()) : List.of();
        boolean parallel = request.parallelToolCalls().orElse(true);
        return parallel ? fitting.subList(0, Math.min(3, fitting.size())) : List.of(best);
    }

    private static int score(Tool t, Set<String> promptWords) {
        int score = 0;
        for (String w : words(t.name().replaceAll("([a-z])([A-Z])", "$1 $2").replace('_', ' ').replace('-', ' '))) {
            if (promptWords.contains(w)) score += 2;
        }
        for (String w : words(t.description().orElse(""))) {
            if (w.length() > 3 && promptWords.contains(w)) score += 1;
        }
        return score;
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = WORDS.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = m.group();
            if (STOPWORDS.contains(w)) continue;
            out.add(w.length() > 3 && w.endsWith("s") ? w.substring(0, w.length() - 1) : w);
        }
        return out;
    }

    List<SimulatedCompletion.Piece> pieces(String text) {
        List<SimulatedCompletion.Piece> out = new ArrayList<>();
        Matcher m = PIECE.matcher(text);
        while (m.find()) out.add(new SimulatedCompletion.Piece(m.group(), tokens.count(m.group())));
        return out;
    }

    private static int firstStop(String text, List<String> stops) {
        int cut = -1;
        for (String s : stops) {
            if (s.isEmpty()) continue;
            int at = text.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        return cut;
    }

    private static String join(List<SimulatedCompletion.Piece> pieces) {
        StringBuilder sb = new StringBuilder();
        for (SimulatedCompletion.Piece p : pieces) sb.append(p.text());
        return sb.toString();
    }

    private static String restate(String text, int max) {
        String t = text.replaceAll("\\s+", " ").strip();
        return t.length() <= max ? t : t.substring(0, max - 1).stripTrailing() + "…";
    }

    /** FNV-1a over everything that shapes the answer: model, messages, tools, format and the client's seed. */
    static long seed(ChatRequest request) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, request.model());
        for (Message m : request.messages()) {
            h = fnv(h, m.role().wire());
            h = fnv(h, m.text());
            for (ToolCall c : m.toolCalls()) h = fnv(h, c.name() + c.arguments());
        }
        for (Tool t : request.tools()) h = fnv(h, t.name());
        h = fnv(h, String.valueOf(request.responseFormat().map(f -> f.getClass().getSimpleName()).orElse("")));
        if (request.seed().isPresent()) h = fnv(h, Long.toString(request.seed().getAsLong()));
        return h;
    }

    static long fnv(long h, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        h ^= 0xff;
        return h * 0x100000001b3L;
    }
}
