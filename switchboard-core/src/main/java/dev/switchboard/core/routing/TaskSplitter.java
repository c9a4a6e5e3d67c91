package dev.switchboard.core.routing;

import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.config.RoutingSettings.DependentParts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a compound prompt into sub-tasks that can be routed separately.
 *
 * <ul>
 *   <li>A numbered or bulleted list of two or more items is split per item; the text before the list
 *       (unless it is only "do the following") and after it is context for every item.</li>
 *   <li>Otherwise the prompt is split at sentence boundaries and at conjunction markers ("and also",
 *       "and then", "additionally", "plus", "as well as", "also", "AND", "and", ";") — but only where
 *       the next words start a new instruction (an imperative verb). "Compare X and Y" and "read and
 *       summarise this file" stay whole: the right side is not an instruction, or the left side is a
 *       bare verb sharing the object.</li>
 *   <li>Code fences, inline code and double-quoted text are never split; fenced code is material
 *       every part receives.</li>
 *   <li>Leading context ("For our REST API: ...", or descriptive sentences before the first
 *       instruction) is prepended to every part.</li>
 *   <li>A part that uses an earlier part's answer ("... and then test it", "summarise the result") is
 *       marked as depending on it, or merged into it when configured so.</li>
 * </ul>
 */
public final class TaskSplitter {
    private static final char OPEN = '\uE000';
    private static final char CLOSE = '\uE001';

    /** Verbs that start an instruction and are rarely nouns. */
    private static final Set<String> STRONG_VERBS = Set.of("write", "implement", "create", "build", "add", "fix",
            "explain", "summarise", "summarize", "generate", "refactor", "translate", "describe", "analyse",
            "analyze", "optimise", "optimize", "deploy", "configure", "calculate", "compute", "prove", "find",
            "give", "provide", "make", "update", "rewrite", "convert", "propose", "suggest", "evaluate", "assess",
            "define", "identify", "produce", "prepare", "debug", "investigate", "estimate", "research", "develop",
            "migrate", "validate", "verify", "extend", "extract", "parse", "read", "recommend", "condense",
            "shorten", "solve", "compare", "tell", "audit", "compose", "critique", "classify", "improve",
            "simplify", "rename", "remove", "delete", "install", "derive", "justify", "discuss", "elaborate",
            "enumerate", "brainstorm", "teach", "draw", "sketch", "design");
    /** Verbs that are often nouns too ("test strategies"): after a plain "and" they need an object marker. */
    private static final Set<String> WEAK_VERBS = Set.of("test", "plan", "list", "review", "check", "document",
            "code", "name", "count", "sort", "format", "show", "answer", "outline", "draft", "port", "set", "map",
            "benchmark", "comment", "profile", "report", "model", "summary", "run");
    /** Words that follow an imperative verb but not a noun used as a verb-like word. */
    private static final Set<String> OBJECT_MARKERS = Set.of("a", "an", "the", "this", "that", "these", "those",
            "it", "them", "my", "our", "your", "its", "their", "some", "all", "each", "every", "how", "what", "why",
            "whether", "for", "to", "up", "me", "us", "out", "on");
    /** Verbs whose part produces something a later part can refer to. */
    private static final Set<String> PRODUCING = Set.of("write", "implement", "create", "generate", "build", "draft",
            "design", "develop", "add", "code", "produce", "compose", "make", "refactor", "rewrite", "translate",
            "fix", "summarise", "summarize", "list", "outline", "plan", "propose", "prepare", "convert", "extract",
            "find", "calculate", "compute", "derive", "brainstorm", "suggest");

    private static final Pattern LEAD = Pattern.compile(
            "^(?:(?:and|also|then|additionally|plus|finally|next|now|lastly|afterwards|after that|secondly|"
                    + "thirdly|first|firstly|second|third|please|kindly)\\b[,:]?\\s*"
                    + "|(?:can|could|would|will) you\\s+|i(?:'d| would) like you to\\s+|i (?:need|want) you to\\s+"
                    + "|help me\\s+)+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern THEN_CUE = Pattern.compile(
            "^(?:and\\s+)?(?:then|afterwards|after that|next|finally|lastly)\\b", Pattern.CASE_INSENSITIVE);
    /** Conjunctions between instructions inside one sentence; group 1 is the marker. */
    private static final Pattern CONJUNCTION = Pattern.compile(
            "(?:\\s*,)?\\s+(and also|and then|as well as|additionally|plus|also|and|then|&)\\s+|\\s*(;)\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:\\d{1,2}[.)]|[-*\u2022]|\\(?[a-hA-H]\\))\\s+(\\S.*)$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=\\S)|\\n+");
    private static final Pattern CONTEXT_COLON = Pattern.compile(
            "^(?:for|in|on|regarding|about|given|using|within|as part of|with respect to|context)\\b[^:\\n]{1,160}?:\\s+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTEXT_COMMA = Pattern.compile(
            "^(?:for|in|regarding|given|using|within|as part of)\\b[^,:\\n.]{1,120},\\s+", Pattern.CASE_INSENSITIVE);
    /** References to an earlier answer. Bare "it"/"them" count only after a producing part. */
    private static final Pattern STRONG_REFERENCE = Pattern.compile(
            "\\b(the (?:results?|outputs?|answers?|summary|draft|response|above|previous (?:part|answer|step|result))"
                    + "|(?:that|this|the) (?:code|function|script|class|implementation|text|summary|draft|output|result|"
                    + "docs|documentation|tests?|list|plan|design|query) (?:above|you (?:just )?wrote|you (?:just )?"
                    + "produced|from (?:step|part) \\d+)|what you (?:just )?(?:wrote|produced|generated|found))\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WEAK_REFERENCE = Pattern.compile("\\b(it|them|its|the same)\\b", Pattern.CASE_INSENSITIVE);
    private static final Set<String> PARTICLES = Set.of("through", "over", "up", "out", "in", "first", "again",
            "now", "then", "and", "or");
    private static final Set<String> FILLER = Set.of("please", "can", "could", "would", "you", "do", "complete",
            "handle", "perform", "help", "me", "with", "work", "on", "answer", "all", "of", "the", "following",
            "these", "below", "tasks", "task", "things", "items", "questions", "steps", "i", "need", "want", "to",
            "todo", "here", "are", "is", "some", "list", "a", "few");

    private final int maxParts;
    private final DependentParts dependentParts;

    public TaskSplitter(RoutingSettings settings) {
        this.maxParts = settings.maxParts();
        this.dependentParts = settings.dependentParts();
    }

    /** A part while it is being built; text is masked (protected spans replaced by placeholders). */
    private static final class Draft {
        String text;
        final String how;
        String joiner = "";
        boolean thenCue;

        Draft(String text, String how) {
            this.text = text;
            this.how = how;
        }
    }

    /** Protected spans: fenced code (material for every part), inline code and quotations. */
    private record Masked(String text, List<String> held, List<Integer> fences) {
        String unmask(String s) {
            if (s.indexOf(OPEN) < 0) return s;
            StringBuilder out = new StringBuilder(s.length() + 64);
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                int close = c == OPEN ? s.indexOf(CLOSE, i) : -1;
                if (close > 0) {
                    out.append(held.get(Integer.parseInt(s, i + 1, close, 10)));
                    i = close + 1;
                } else {
                    out.append(c);
                    i++;
                }
            }
            return out.toString();
        }
    }

    public List<SubTask> split(String prompt) {
        if (prompt.isBlank()) return List.of(new SubTask(prompt, 0, Optional.empty(), "empty prompt"));
        Masked masked = mask(prompt);
        String text = masked.text().strip();

        List<Draft> drafts = new ArrayList<>();
        StringBuilder context = new StringBuilder();
        String trailing = "";
        boolean listed = splitList(text, drafts, context);
        if (listed) {
            int blank = trailingContextStart(text);
            if (blank > 0) trailing = text.substring(blank).strip();
        } else {
            drafts.clear();
            context.setLength(0);
            splitProse(text, drafts, context);
        }
        if (drafts.size() < 2) {
            return List.of(new SubTask(prompt, 0, Optional.empty(),
                    "one task: no list, sentence or conjunction separates independent instructions"));
        }
        while (drafts.size() > maxParts) {
            Draft last = drafts.remove(drafts.size() - 1);
            Draft prev = drafts.get(drafts.size() - 1);
            prev.text = prev.text + last.joiner + last.text;
        }
        return assemble(drafts, context.toString().strip(), trailing, masked);
    }

    private List<SubTask> assemble(List<Draft> drafts, String context, String trailing, Masked masked) {
        List<String> fenceMarkers = new ArrayList<>();
        for (int f : masked.fences()) fenceMarkers.add(OPEN + Integer.toString(f) + CLOSE);
        boolean material = !fenceMarkers.isEmpty();

        // Decide dependencies first; merging changes the numbering.
        List<Draft> parts = new ArrayList<>();
        List<Optional<Integer>> depends = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Draft d : drafts) {
            String reason = parts.isEmpty() ? null : dependency(parts.get(parts.size() - 1), d, material);
            if (reason != null && dependentParts == DependentParts.TOGETHER) {
                Draft prev = parts.get(parts.size() - 1);
                prev.text = prev.text + d.joiner + d.text;
                int i = parts.size() - 1;
                notes.set(i, notes.get(i) + "; kept together with the next instruction because " + reason);
                continue;
            }
            parts.add(d);
            depends.add(reason == null ? Optional.empty() : Optional.of(parts.size() - 2));
            notes.add(reason == null ? "" : "; runs after part " + (parts.size() - 1)
                    + " and receives its answer because " + reason);
        }
        if (parts.size() < 2) {
            String whole = masked.unmask(masked.text()).strip();
            return List.of(new SubTask(whole, 0, Optional.empty(),
                    "one task: its instructions depend on each other" + notes.get(0)));
        }

        List<SubTask> out = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Draft d = parts.get(i);
            String body = d.text;
            StringBuilder explanation = new StringBuilder("part ").append(i + 1).append(" of ").append(parts.size())
                    .append(": ").append(d.how);
            if (!context.isEmpty()) {
                body = withContext(context, body);
                explanation.append("; shared context '").append(shorten(masked.unmask(context))).append("' added");
            }
            if (!trailing.isEmpty()) {
                body = body + "\n\n" + trailing;
                explanation.append("; closing note added");
            }
            if (material) {
                StringBuilder missing = new StringBuilder();
                for (String m : fenceMarkers) if (!body.contains(m)) missing.append("\n\n").append(m);
                if (!missing.isEmpty()) {
                    body = body + missing;
                    explanation.append("; attached code added");
                }
            }
            explanation.append(depends.get(i).isEmpty() && notes.get(i).isEmpty() ? "; independent" : notes.get(i));
            out.add(new SubTask(masked.unmask(body).strip(), i, depends.get(i), explanation.toString()));
        }
        return List.copyOf(out);
    }

    /** Why {@code next} needs {@code prev}'s answer, or null when it does not. */
    private static String dependency(Draft prev, Draft next, boolean material) {
        String body = stripLead(next.text);
        Matcher strong = STRONG_REFERENCE.matcher(body);
        if (strong.find()) return "it refers to the earlier answer ('" + strong.group(1) + "')";
        Matcher weak = WEAK_REFERENCE.matcher(body);
        if (weak.find() && !material && PRODUCING.contains(firstWord(stripLead(prev.text)))) {
            return "'" + weak.group(1) + "' refers to what the previous part produces"
                    + (next.thenCue ? " and 'then' orders them" : "");
        }
        return null;
    }

    private static String withContext(String context, String body) {
        char last = context.charAt(context.length() - 1);
        if (last == '.' || last == '!' || last == '?') return context + " " + capitalised(body);
        if (last == ':' || last == ',') return context + " " + body;
        return context + ": " + body;
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String shorten(String s) {
        String t = s.strip();
        if (t.endsWith(":") || t.endsWith(",")) t = t.substring(0, t.length() - 1);
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }

    // ------------------------------------------------------------------ lists

    private static boolean splitList(String text, List<Draft> drafts, StringBuilder context) {
        String[] lines = text.split("\n", -1);
        List<Integer> itemLines = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) if (LIST_ITEM.matcher(lines[i]).matches()) itemLines.add(i);
        if (itemLines.size() < 2) return false;
        int first = itemLines.get(0);
        StringBuilder intro = new StringBuilder();
        for (int i = 0; i < first; i++) intro.append(lines[i]).append('\n');
        Draft current = null;
        boolean afterBlank = false;
        for (int i = first; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = LIST_ITEM.matcher(line);
            if (m.matches()) {
                current = new Draft(m.group(1).strip(), "list item " + (drafts.size() + 1));
                current.joiner = "\n";
                current.thenCue = THEN_CUE.matcher(current.text).find();
                drafts.add(current);
                afterBlank = false;
            } else if (line.isBlank()) {
                afterBlank = true;
            } else if (afterBlank && !Character.isWhitespace(line.charAt(0))) {
                break; // text after the list: trailing context, picked up by the caller
            } else if (current != null) {
                current.text = current.text + "\n" + line.strip();
            }
        }
        String introText = intro.toString().strip();
        if (!introText.isEmpty() && !isFiller(introText)) context.append(introText);
        return true;
    }

    /** Offset of text following the list after a blank line, or -1. */
    private static int trailingContextStart(String text) {
        String[] lines = text.split("\n", -1);
        int offset = 0;
        boolean seenItem = false;
        boolean afterBlank = false;
        for (String line : lines) {
            if (LIST_ITEM.matcher(line).matches()) {
                seenItem = true;
                afterBlank = false;
            } else if (line.isBlank()) {
                afterBlank = seenItem;
            } else if (seenItem && afterBlank && !Character.isWhitespace(line.charAt(0))) {
                return offset;
            }
            offset += line.length() + 1;
        }
        return -1;
    }

    private static boolean isFiller(String intro) {
        String s = intro.toLowerCase(Locale.ROOT).replaceAll("[:,.!]", " ");
        for (String w : s.split("\\s+")) if (!w.isEmpty() && !FILLER.contains(w)) return false;
        return true;
    }

    // ------------------------------------------------------------------ prose

    private static void splitProse(String text, List<Draft> drafts, StringBuilder context) {
        String rest = text;
        Matcher colon = CONTEXT_COLON.matcher(rest);
        Matcher comma = CONTEXT_COMMA.matcher(rest);
        if (colon.find()) {
            context.append(rest.substring(0, colon.end()).strip());
            rest = rest.substring(colon.end());
        } else if (comma.find() && isInstruction(rest.substring(comma.end()), true)) {
            context.append(rest.substring(0, comma.end()).strip());
            rest = rest.substring(comma.end());
        }
        int pos = 0;
        Matcher sm = SENTENCE_END.matcher(rest);
        List<String> sentences = new ArrayList<>();
        List<String> joiners = new ArrayList<>();
        String joiner = "";
        while (sm.find()) {
            sentences.add(rest.substring(pos, sm.start()));
            joiners.add(joiner);
            joiner = sm.group();
            pos = sm.end();
        }
        sentences.add(rest.substring(pos));
        joiners.add(joiner);

        Draft current = null;
        for (int i = 0; i < sentences.size(); i++) {
            String s = sentences.get(i).strip();
            if (s.isEmpty()) continue;
            boolean cue = THEN_CUE.matcher(s).find();
            boolean task = isInstruction(s, true) || s.endsWith("?");
            if (task && current != null && !cue && wordCount(stripLead(s)) < 3) task = false; // "Explain briefly."
            if (!task) {
                if (current == null) {
                    if (!context.isEmpty()) context.append(' ');
                    context.append(s);
                } else {
                    current.text = current.text + joiners.get(i) + s;
                }
                continue;
            }
            List<Draft> clauses = splitSentence(s);
            clauses.get(0).joiner = current == null ? "" : joiners.get(i);
            clauses.get(0).thenCue = cue;
            drafts.addAll(clauses);
            current = clauses.get(clauses.size() - 1);
        }
    }

    /** Splits one sentence at conjunctions that join two instructions. */
    private static List<Draft> splitSentence(String sentence) {
        List<Draft> out = new ArrayList<>();
        Matcher m = CONJUNCTION.matcher(sentence);
        int start = 0;
        String how = "separate sentence";
        String joiner = "";
        boolean cue = false;
        while (m.find()) {
            String marker = m.group(1) != null ? m.group(1) : m.group(2);
            String right = sentence.substring(m.end());
            String left = sentence.substring(start, m.start());
            boolean plainAnd = marker.equals("and") || marker.equals("&");
            if (!isInstruction(right, !plainAnd)) continue;
            if (!standsAlone(left)) continue;
            Draft d = new Draft(cleanClause(left), out.isEmpty() ? "before '" + marker + "'" : how);
            d.joiner = joiner;
            d.thenCue = cue;
            out.add(d);
            how = "after '" + marker + "'";
            joiner = m.group();
            cue = marker.toLowerCase(Locale.ROOT).contains("then");
            start = m.end();
        }
        Draft last = new Draft(cleanClause(sentence.substring(start)), how);
        last.joiner = joiner;
        last.thenCue = cue;
        out.add(last);
        return out;
    }

    /** The left side of a conjunction is its own instruction unless it is a bare verb ("read and summarise"). */
    private static boolean standsAlone(String left) {
        String[] words = stripLead(left.strip()).toLowerCase(Locale.ROOT).split("\\s+");
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            if (!STRONG_VERBS.contains(w) && !PARTICLES.contains(w) && !w.endsWith("ly")) return true;
        }
        return false;
    }

    /** Whether text starts an instruction: an imperative verb after polite or sequencing words. */
    private static boolean isInstruction(String text, boolean weakVerbsOk) {
        String body = stripLead(text.strip());
        String first = firstWord(body);
        if (STRONG_VERBS.contains(first)) return true;
        if (!WEAK_VERBS.contains(first)) return false;
        if (weakVerbsOk) return true;
        String after = firstWord(body.substring(Math.min(body.length(), first.length())).strip());
        return OBJECT_MARKERS.contains(after) || after.startsWith(String.valueOf(OPEN)) || after.startsWith("/");
    }

    private static String cleanClause(String clause) {
        String s = clause.strip();
        Matcher lead = Pattern.compile("^(?:and also|and then|and|also|additionally|plus|then)\\b[,:]?\\s*",
                Pattern.CASE_INSENSITIVE).matcher(s);
        if (lead.find() && lead.end() < s.length()) s = s.substring(lead.end());
        while (!s.isEmpty() && (s.endsWith(",") || s.endsWith(";"))) s = s.substring(0, s.length() - 1).strip();
        return s;
    }

    private static String stripLead(String text) {
        Matcher m = LEAD.matcher(text);
        return m.find() ? text.substring(m.end()) : text;
    }

    private static String firstWord(String text) {
        int i = 0;
        while (i < text.length() && (Character.isLetter(text.charAt(i)) || text.charAt(i) == '-')) i++;
        if (i == 0 && !text.isEmpty() && text.charAt(0) == OPEN) return String.valueOf(OPEN);
        return text.substring(0, i).toLowerCase(Locale.ROOT);
    }

    private static int wordCount(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    // ------------------------------------------------------------------ masking

    private static Masked mask(String prompt) {
        StringBuilder out = new StringBuilder(prompt.length());
        List<String> held = new ArrayList<>();
        List<Integer> fences = new ArrayList<>();
        int i = 0;
        int n = prompt.length();
        while (i < n) {
            char c = prompt.charAt(i);
            int end = -1;
            boolean fence = false;
            if (prompt.startsWith("```", i)) {
                int close = prompt.indexOf("```", i + 3);
                end = close < 0 ? n : close + 3;
                fence = true;
            } else if (c == '`') {
                int close = prompt.indexOf('`', i + 1);
                int nl = prompt.indexOf('\n', i + 1);
                if (close > 0 && (nl < 0 || close < nl)) end = close + 1;
            } else if (c == '"' || c == '\u201C') {
                char closing = c == '"' ? '"' : '\u201D';
                int close = prompt.indexOf(closing, i + 1);
                if (close > 0 && close - i < 2000) end = close + 1;
            }
            if (end > 0) {
                if (fence) fences.add(held.size());
                out.append(OPEN).append(held.size()).append(CLOSE);
                held.add(prompt.substring(i, end));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Masked(out.toString(), held, fences);
    }
}
