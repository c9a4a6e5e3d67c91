package dev.switchboard.core.routing;

import static dev.switchboard.core.routing.TextScan.leadingWord;
import static dev.switchboard.core.routing.TextScan.splitOnWhitespace;

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
 *   <li>A numbered or bulleted list of two or more top-level items, most of them instructions or
 *       questions, is split per item (nested items stay with theirs); the text before the list (unless it
 *       is only "do the following") and after it is context for every item. A list after an instruction
 *       or question ("Requirements:", "Which of these ...?") is material for that one task.</li>
 *   <li>Otherwise the prompt is split at sentence boundaries and at conjunction markers ("and also",
 *       "and then", "additionally", "plus", "as well as", "also", "AND", "and", ";") — but only where
 *       the next words start a new instruction (an imperative verb). "Compare X and Y" and "read and
 *       summarise this file" stay whole: the right side is not an instruction, or the left side is a
 *       bare verb sharing the object. A weak marker ("and", "then", "plus", "&") does not split inside
 *       a clause ("a script that checks X and deletes Y", "a tool to parse X and extract Y"), after
 *       "read ...", or before an add-on to the same answer ("and make it async", "and give examples").</li>
 *   <li>Code fences, inline code and quoted text are never split; fenced code is material every part
 *       receives, and so is text pasted after an instruction's colon ("Summarise this email: ...").</li>
 *   <li>Leading context ("For our REST API: ...", or descriptive sentences before the first
 *       instruction) is prepended to every part.</li>
 *   <li>A part that uses an earlier part's answer ("... and then test it", "summarise the result") is
 *       marked as depending on it (the nearest part that makes what it names, else the previous one), or
 *       merged into it when configured so. A part left with a bare "it" and nothing to take it from
 *       stays with the part before.</li>
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
            "enumerate", "brainstorm", "teach", "draw", "sketch", "design", "upgrade", "proofread", "bump");
    /** Verbs that are often nouns too ("test strategies"): after a plain "and" they need an object marker. */
    private static final Set<String> WEAK_VERBS = Set.of("test", "plan", "list", "review", "check", "document",
            "code", "name", "count", "sort", "format", "show", "answer", "outline", "draft", "port", "set", "map",
            "benchmark", "comment", "profile", "report", "model", "summary", "run", "tag");
    /** Words that follow an imperative verb but not a noun used as a verb-like word. */
    private static final Set<String> OBJECT_MARKERS = Set.of("a", "an", "the", "this", "that", "these", "those",
            "it", "them", "my", "our", "your", "its", "their", "some", "all", "each", "every", "how", "what", "why",
            "whether", "for", "to", "up", "me", "us", "out", "on");
    /** Verbs whose part produces something a later part can refer to. */
    private static final Set<String> PRODUCING = Set.of("write", "implement", "create", "generate", "build", "draft",
            "design", "develop", "add", "code", "produce", "compose", "make", "refactor", "rewrite", "translate",
            "fix", "summarise", "summarize", "list", "outline", "plan", "propose", "prepare", "convert", "extract",
            "find", "calculate", "compute", "derive", "brainstorm", "suggest");
    /** Verbs that only take in what the rest of the sentence works on: "read X and summarise it" is one task. */
    private static final Set<String> INPUT_VERBS = Set.of("read", "study", "skim", "look", "consider");
    /** Words that open a clause describing the object: a weak "and" after them joins that clause's verbs. */
    private static final Set<String> CLAUSE_OPENERS = Set.of("that", "which", "who", "whose", "whether", "if", "can",
            "could", "lets", "allows", "so");
    /** What a later part may name as something code-like an earlier part made ("the function above"). */
    private static final Set<String> CODE_NOUNS = Set.of("code", "function", "script", "class", "implementation",
            "query", "parser", "program", "module", "method", "endpoint", "api", "regex", "cli", "library",
            "component", "service", "middleware", "handler", "decorator", "schema", "sql", "tool", "app");

    /**
     * One polite or sequencing lead before an instruction; {@link #stripLead} takes any number of them. Matched one at
     * a time: as a repeated group, the regex engine recursed once per lead, and a prompt of a few thousand "please"s
     * overflowed the stack.
     */
    private static final Pattern LEAD = Pattern.compile(
            "(?:and|also|then|additionally|plus|finally|next|now|lastly|afterwards|after that|secondly|"
                    + "thirdly|first|firstly|second|third|please|kindly|hey|hi|hello)\\b[,:]?\\s*"
                    + "|(?:can|could|would|will) you\\s+|i(?:'d| would) like you to\\s+|i (?:need|want) you to\\s+"
                    + "|help me\\s+",
            Pattern.CASE_INSENSITIVE);
    /**
     * The first word of every match of {@link #LEAD}, {@link #CLAUSE_LEAD} and {@link #THEN_CUE}: text that starts
     * with another word cannot match, which is most text, and is told without running the pattern.
     */
    private static final Set<String> LEAD_WORDS = Set.of("and", "also", "then", "additionally", "plus", "finally",
            "next", "now", "lastly", "afterwards", "after", "secondly", "thirdly", "first", "firstly", "second",
            "third", "please", "kindly", "hey", "hi", "hello", "can", "could", "would", "will", "i", "help");
    private static final Set<String> CLAUSE_LEAD_WORDS = Set.of("and", "also", "additionally", "plus", "then");
    private static final Set<String> THEN_CUE_WORDS = Set.of("and", "then", "afterwards", "after", "next", "finally",
            "lastly");
    /** Markers a clause starts with that are no part of its text. */
    private static final Pattern CLAUSE_LEAD = Pattern.compile(
            "^(?:and also|and then|and|also|additionally|plus|then)\\b[,:]?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern THEN_CUE = Pattern.compile(
            "^(?:and\\s+)?(?:then|afterwards|after that|next|finally|lastly)\\b", Pattern.CASE_INSENSITIVE);
    /**
     * How many conjunctions of one sentence are weighed as places to split; the rest of a longer sentence stays
     * with its last clause. Each is weighed against the whole sentence around it, so a sentence of thousands of
     * "and"s (unpunctuated pasted text) cost time quadratic in its length, while a sentence joins a handful of
     * instructions at most.
     */
    private static final int MAX_CONJUNCTIONS = 64;
    /**
     * A right side that adds to the same answer instead of asking for another: "make it async", "make sure
     * ...", "add type hints" at its start ({@code ADD_ON_START}), or "give three examples", "explain each step"
     * anywhere in it ({@code ADD_ON_WORDS}).
     */
    private static final Pattern ADD_ON_START = Pattern.compile(
            "(?:make|keep) (?:it|them|sure)\\b|ensure\\b|add \\S+(?: \\S+)?$|tell me (?:if|whether|why|how)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_ON_WORDS = Pattern.compile(
            "\\b(?:examples?|each step|step[- ]by[- ]step|your (?:reasoning|working)|(?:which|each|this|that) one)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Strings every match of {@link #ADD_ON_WORDS} contains: a sentence without one has none. */
    private static final TextScan.Needles ADD_ON_NEEDLES = new TextScan.Needles("exampl", "step", "your ", " one");
    /** A part whose object is a bare pronoun ("summarise it"): on its own it has no subject. */
    private static final Pattern BARE_OBJECT = Pattern.compile("^[a-z-]+ (?:it|them)\\b", Pattern.CASE_INSENSITIVE);
    /** A markdown heading, and a "Task 2:" label in it; a heading with nothing else only separates parts. */
    private static final Pattern HEADING = Pattern.compile(
            "^#{1,6}\\s*(?:(?:task|part|step|question)\\s*\\d+\\b\\s*[:.)\\-]?\\s*)?", Pattern.CASE_INSENSITIVE);
    /** A list item; group 1 is its indentation, group 2 its marker, group 3 its text. */
    private static final Pattern LIST_ITEM = Pattern.compile(
            "^(\\s*)(\\d{1,2}[.)]|[-*\u2022]|\\(?[a-hA-H]\\))\\s+(\\S.*)$");
    /** Words that say the material follows the instructions: after them a blank line starts it. */
    private static final Pattern MATERIAL_AHEAD = Pattern.compile("\\b(?:below|the following)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Words that point at pasted text: an instruction with one and a colon is followed by what it works on. */
    private static final Pattern DEICTIC = Pattern.compile("\\b(?:this|these|the following|below|here|attached|my)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=\\S)|\\n+");
    private static final Pattern CONTEXT_COLON = Pattern.compile(
            "^(?:for|in|on|regarding|about|given|using|within|as part of|with respect to|context)\\b"
                    + "(?:[^:\\n]|:(?=\\d)){1,160}?:\\s+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTEXT_COMMA = Pattern.compile(
            "^(?:for|in|regarding|given|using|within|as part of)\\b[^,:\\n.]{1,120},\\s+", Pattern.CASE_INSENSITIVE);
    /** References to an earlier answer; "noun" is what it names, if anything. */
    private static final Pattern STRONG_REFERENCE = Pattern.compile(
            "\\b(the (?:results?|outputs?|answers?|summary|draft|response|above|previous (?:part|answer|step|result))"
                    + "|(?:that|this|the) (?<noun>code|function|script|class|implementation|text|summary|draft|output|"
                    + "result|docs|documentation|tests?|list|plan|design|query) (?:above|you (?:just )?wrote|you "
                    + "(?:just )?produced|from (?:step|part) \\d+)"
                    + "|what you (?:just )?(?:wrote|produced|generated|found))\\b",
            Pattern.CASE_INSENSITIVE);
    /** Strings every match of {@link #STRONG_REFERENCE} contains. */
    private static final TextScan.Needles STRONG_REFERENCE_NEEDLES = new TextScan.Needles("result", "output",
            "answer", "summary", "draft", "response", "above", "previous", "you", "from");
    /** Bare references; they count only after a producing part, or after "then". */
    private static final Pattern WEAK_REFERENCE = Pattern.compile("\\b(it|them|its|the same)\\b", Pattern.CASE_INSENSITIVE);
    /** After "then", also "these", "those", and "this"/"that" after a verb or preposition ("translate this"). */
    private static final Pattern THEN_REFERENCE = Pattern.compile("\\b(it|its|them|these|those|the same|this|that)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Words after which "this"/"that" is the object, not a relative pronoun ("a query that lists"). */
    private static final Set<String> PREPOSITIONS = Set.of("for", "of", "to", "into", "from", "with", "on", "about",
            "in", "at");
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

    /**
     * A part while it is being built; text is masked (protected spans replaced by placeholders). It grows in a
     * builder: a part that takes in thousands of sentences or lines would otherwise be copied whole for each one.
     */
    private static final class Draft {
        private final StringBuilder text;
        final String how;
        String joiner = "";
        boolean thenCue;
        /** Text pasted after the instruction ("Summarise this email: ..."), with its colon; never split. */
        String material = "";

        Draft(String text, String how) {
            this.text = new StringBuilder(text);
            this.how = how;
        }

        String text() {
            return text.toString();
        }

        void append(String joiner, String more) {
            text.append(joiner).append(more);
        }

        void absorb(Draft next) {
            text.append(next.joiner).append(next.text);
            if (material.isEmpty()) material = next.material;
        }
    }

    /** The earlier part a part needs the answer of, and why. */
    private record Link(int part, String reason) {}

    /**
     * Protected spans: fenced code (material for every part), inline code and quotations. The placeholder
     * characters themselves are protected spans too, so every placeholder in the text is one of ours.
     */
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
        String trailing = splitList(text, drafts, context);
        if (trailing == null) {
            drafts.clear();
            context.setLength(0);
            trailing = "";
            splitProse(text, drafts, context);
        }
        if (drafts.size() < 2) {
            return List.of(new SubTask(prompt, 0, Optional.empty(),
                    "one task: no list, sentence or conjunction separates independent instructions"));
        }
        if (drafts.size() > maxParts) { // the last part takes in the rest, in order
            List<Draft> rest = drafts.subList(maxParts, drafts.size());
            for (Draft d : rest) drafts.get(maxParts - 1).absorb(d);
            rest.clear();
        }
        return assemble(drafts, context.toString().strip(), trailing, masked);
    }

    private List<SubTask> assemble(List<Draft> drafts, String context, String trailing, Masked masked) {
        List<String> fenceMarkers = new ArrayList<>();
        for (int f : masked.fences()) fenceMarkers.add(OPEN + Integer.toString(f) + CLOSE);
        boolean fenced = !fenceMarkers.isEmpty();

        // Decide dependencies first; merging changes the numbering.
        List<Draft> parts = new ArrayList<>();
        List<Optional<Integer>> depends = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Draft d : drafts) {
            boolean material = fenced || !d.material.isEmpty();
            Link link = parts.isEmpty() ? null : dependency(parts, d, material);
            if (link == null && !parts.isEmpty() && !material && BARE_OBJECT.matcher(stripLead(d.text())).find()) {
                int i = parts.size() - 1;
                parts.get(i).absorb(d);
                notes.set(i, notes.get(i) + "; kept together with the next instruction because its 'it' has "
                        + "nothing to refer to on its own");
                continue;
            }
            if (link != null && dependentParts == DependentParts.TOGETHER) {
                parts.get(link.part()).absorb(d);
                notes.set(link.part(), notes.get(link.part()) + "; kept together with a later instruction because "
                        + link.reason());
                continue;
            }
            parts.add(d);
            depends.add(link == null ? Optional.empty() : Optional.of(link.part()));
            notes.add(link == null ? "" : "; runs after part " + (link.part() + 1)
                    + " and receives its answer because " + link.reason());
        }
        if (parts.size() < 2) {
            String whole = masked.unmask(masked.text()).strip();
            return List.of(new SubTask(whole, 0, Optional.empty(),
                    "one task: its instructions depend on each other" + notes.get(0)));
        }

        List<SubTask> out = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Draft d = parts.get(i);
            String body = d.text() + d.material;
            StringBuilder explanation = new StringBuilder("part ").append(i + 1).append(" of ").append(parts.size())
                    .append(": ").append(d.how);
            if (!context.isEmpty()) {
                body = withContext(context, body);
                explanation.append("; shared context '").append(shorten(masked.unmask(context))).append("' added");
            }
            if (!d.material.isEmpty()) explanation.append("; the text it works on added");
            if (!trailing.isEmpty()) {
                body = body + "\n\n" + trailing;
                explanation.append("; closing note added");
            }
            if (fenced) {
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

    /** Which earlier part {@code next} needs the answer of, or null when it needs none. */
    private static Link dependency(List<Draft> earlier, Draft next, boolean material) {
        int previous = earlier.size() - 1;
        String body = stripLead(next.text());
        Matcher strong = STRONG_REFERENCE_NEEDLES.in(body) ? STRONG_REFERENCE.matcher(body) : null;
        if (strong != null && strong.find()) {
            return new Link(maker(earlier, strong.group("noun")),
                    "it refers to the earlier answer ('" + strong.group(1) + "')");
        }
        if (next.thenCue) {
            // "Then translate this": the order is explicit, so the reference is to the earlier answer even
            // when attached material could be what "it" means.
            Matcher then = THEN_REFERENCE.matcher(body);
            while (then.find()) {
                String word = then.group(1).toLowerCase(Locale.ROOT);
                if ((word.equals("this") || word.equals("that")) && !isObject(body, then.start())) continue;
                return new Link(previous, "'then' orders them and '" + word + "' refers to the earlier answer");
            }
        }
        if (material || !PRODUCING.contains(firstWord(stripLead(earlier.get(previous).text())))) return null;
        Matcher weak = WEAK_REFERENCE.matcher(body);
        if (weak.find()) {
            return new Link(previous, "'" + weak.group(1) + "' refers to what the previous part produces");
        }
        return null;
    }

    /** Whether the word ending just before {@code at} is a verb or preposition, so what follows is its object. */
    private static boolean isObject(String text, int at) {
        int end = at;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
        int start = end;
        while (start > 0 && Character.isLetter(text.charAt(start - 1))) start--;
        String before = text.substring(start, end).toLowerCase(Locale.ROOT);
        return STRONG_VERBS.contains(before) || WEAK_VERBS.contains(before) || PREPOSITIONS.contains(before);
    }

    /**
     * The nearest earlier part that makes what a reference names: one that mentions it, else, for
     * something code-like, one that mentions any code; otherwise the previous part.
     */
    private static int maker(List<Draft> earlier, String noun) {
        if (noun != null) {
            String named = noun.toLowerCase(Locale.ROOT);
            for (int i = earlier.size() - 1; i >= 0; i--) if (words(earlier.get(i).text()).contains(named)) return i;
            if (CODE_NOUNS.contains(named) || named.startsWith("test")) {
                for (int i = earlier.size() - 1; i >= 0; i--) {
                    for (String w : words(earlier.get(i).text())) if (CODE_NOUNS.contains(w)) return i;
                }
            }
        }
        return earlier.size() - 1;
    }

    private static String withContext(String context, String body) {
        char last = context.charAt(context.length() - 1);
        if (last == '.' || last == '!' || last == '?') return context + " " + capitalised(body);
        if (last == ':' || last == ',') return context + " " + body;
        if (last == CLOSE) return context + "\n" + body; // after attached code
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

    /**
     * Splits a list of tasks into its items; returns the text after the list (context for every item), or
     * null when the text is not a list of tasks. Only top-level items count: the least indented ones with
     * the first one's kind of marker; deeper or other items belong to the item above them.
     */
    private static String splitList(String text, List<Draft> drafts, StringBuilder context) {
        String[] lines = text.split("\n", -1);
        Matcher[] items = new Matcher[lines.length];
        int indent = Integer.MAX_VALUE;
        char kind = 0;
        for (int i = 0; i < lines.length; i++) {
            Matcher m = LIST_ITEM.matcher(lines[i]);
            if (!m.matches()) continue;
            items[i] = m;
            if (m.group(1).length() < indent) {
                indent = m.group(1).length();
                kind = markerKind(m.group(2));
            }
        }
        int first = -1;
        int count = 0;
        int asking = 0;
        for (int i = 0; i < lines.length; i++) {
            if (!isTopLevel(items[i], indent, kind)) {
                items[i] = null;
                continue;
            }
            if (first < 0) first = i;
            count++;
            String item = items[i].group(3).strip();
            if (isInstruction(item, false) || item.endsWith("?")) asking++;
        }
        // Requirements, options or data for one task are not tasks; neither is a list under an instruction.
        if (count < 2 || asking * 2 <= count) return null;
        StringBuilder intro = new StringBuilder();
        for (int i = 0; i < first; i++) intro.append(lines[i]).append('\n');
        String introText = intro.toString().strip();
        if (asks(introText)) return null;

        Draft current = null;
        boolean afterBlank = false;
        int offset = 0;
        for (int i = 0; i < first; i++) offset += lines[i].length() + 1;
        String trailing = "";
        for (int i = first; i < lines.length; offset += lines[i].length() + 1, i++) {
            String line = lines[i];
            if (items[i] != null) {
                current = new Draft(items[i].group(3).strip(), "list item " + (drafts.size() + 1));
                current.joiner = "\n";
                current.thenCue = thenCue(current.text);
                drafts.add(current);
                afterBlank = false;
            } else if (line.isBlank()) {
                afterBlank = true;
            } else if (afterBlank && !Character.isWhitespace(line.charAt(0))) {
                trailing = text.substring(offset).strip(); // text after the list
                break;
            } else if (current != null) {
                current.append("\n", line.strip());
            }
        }
        if (!introText.isEmpty() && !isFiller(introText)) context.append(introText);
        return trailing;
    }

    private static char markerKind(String marker) {
        char c = marker.charAt(0) == '(' ? marker.charAt(1) : marker.charAt(0);
        return Character.isDigit(c) ? '1' : Character.isLetter(c) ? 'a' : '-';
    }

    private static boolean isTopLevel(Matcher item, int indent, char kind) {
        return item != null && item.group(1).length() == indent && markerKind(item.group(2)) == kind;
    }

    /** Whether the text before a list asks for something itself, so the list is what it works on. */
    private static boolean asks(String intro) {
        for (String s : SENTENCE_END.split(intro)) {
            String sentence = HEADING.matcher(s.strip()).replaceFirst("");
            if (sentence.isEmpty() || isFiller(sentence)) continue;
            if (isInstruction(sentence, true) || sentence.endsWith("?")) return true;
        }
        return false;
    }

    private static boolean isFiller(String intro) {
        for (String w : words(intro)) if (!FILLER.contains(w)) return false;
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
        // Text pasted after an instruction ("Summarise this email: ...", "Requirements:\n- ...") is what
        // that instruction works on: only the instructions before it are split, and it goes with them.
        int cut = materialStart(rest);
        if (cut > 0) {
            String head = rest.substring(0, cut);
            boolean colonCut = rest.charAt(cut) == ':';
            String last = lastSentence(head);
            boolean asking = isTask(last);
            if (colonCut && isFiller(head)) {
                rest = rest.substring(cut + 1).strip(); // "Please do the following: ..."
            } else if (!colonCut || rest.charAt(cut + 1) == '\n' || asking && DEICTIC.matcher(last).find()) {
                // Not "Explain X: a and b. Also, ..." nor "Q1: 100" inside the data: only a colon ending a line,
                // or ending an instruction about "this" / "the following", starts pasted text.
                int contextLength = context.length();
                int from = splitSentences(head, drafts, context);
                if (from >= 0) {
                    // After "Requirements:" the material is for the part that sentence was added to.
                    String material = rest.substring(cut);
                    for (int i = asking ? from : drafts.size() - 1; i < drafts.size(); i++) {
                        drafts.get(i).material = material;
                    }
                    return;
                }
                drafts.clear(); // no instruction before it: nothing was pasted for one
                context.setLength(contextLength);
            }
        }
        splitSentences(rest, drafts, context);
    }

    /**
     * Where pasted material starts: the first colon followed by white space, the first list item, or the
     * first blank line after "below" / "the following" — unless all that follows is protected spans (attached
     * code is handled as such). -1 when there is none.
     */
    private static int materialStart(String text) {
        int paragraph = text.indexOf("\n\n");
        if (paragraph > 0 && !MATERIAL_AHEAD.matcher(text).region(0, paragraph).find()) paragraph = -1;
        int limit = paragraph > 0 ? paragraph : text.length();
        int cut = -1;
        for (int i = text.indexOf(':'); i >= 0 && i < limit && i + 1 < text.length(); i = text.indexOf(':', i + 1)) {
            if (Character.isWhitespace(text.charAt(i + 1))) {
                cut = i;
                limit = i;
                break;
            }
        }
        Matcher item = LIST_ITEM.matcher(text);
        for (int lineStart = text.indexOf('\n') + 1; lineStart > 0 && lineStart < limit; ) {
            int nl = text.indexOf('\n', lineStart);
            int end = nl < 0 ? text.length() : nl;
            if (item.region(lineStart, end).matches()) {
                cut = lineStart;
                break;
            }
            lineStart = end + 1;
        }
        if (cut < 0) cut = paragraph;
        if (cut < 0) return -1;
        while (cut > 0 && Character.isWhitespace(text.charAt(cut - 1))) cut--;
        return onlyPlaceholders(text, cut + 1) ? -1 : cut;
    }

    private static boolean onlyPlaceholders(String text, int from) {
        boolean inside = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == OPEN) inside = true;
            else if (c == CLOSE) inside = false;
            else if (!inside && !Character.isWhitespace(c)) return false;
        }
        return true;
    }

    private static boolean isTask(String sentence) {
        return isInstruction(sentence, true) || sentence.endsWith("?");
    }

    private static String lastSentence(String text) {
        int start = 0;
        for (TextScan.SentenceEnds m = new TextScan.SentenceEnds(text); m.find(); ) start = m.end;
        return HEADING.matcher(text.substring(start).strip()).replaceFirst("");
    }

    /** Splits sentences into drafts; returns the index of the first draft the last task sentence made, or -1. */
    private static int splitSentences(String rest, List<Draft> drafts, StringBuilder context) {
        int pos = 0;
        TextScan.SentenceEnds sm = new TextScan.SentenceEnds(rest);
        List<String> sentences = new ArrayList<>();
        List<String> joiners = new ArrayList<>();
        String joiner = "";
        while (sm.find()) {
            sentences.add(rest.substring(pos, sm.start));
            joiners.add(joiner);
            joiner = rest.substring(sm.start, sm.end);
            pos = sm.end;
        }
        sentences.add(rest.substring(pos));
        joiners.add(joiner);

        Draft current = null;
        int from = -1;
        for (int i = 0; i < sentences.size(); i++) {
            String s = sentences.get(i).strip();
            if (s.startsWith("#")) s = HEADING.matcher(s).replaceFirst(""); // "### Task 2" only separates
            if (s.isEmpty()) continue;
            boolean cue = thenCue(s);
            boolean task = isTask(s);
            if (task && current != null && !cue && wordCount(stripLead(s)) < 3) task = false; // "Explain briefly."
            if (task && current != null && !cue && s.length() <= 80 && addsOn(s)) task = false; // "Give an example."
            if (!task) {
                if (current == null) {
                    if (!context.isEmpty()) context.append(joiners.get(i).isEmpty() ? " " : joiners.get(i));
                    context.append(s);
                } else {
                    current.append(joiners.get(i), s);
                }
                continue;
            }
            List<Draft> clauses = splitSentence(s);
            clauses.get(0).joiner = current == null ? "" : joiners.get(i);
            clauses.get(0).thenCue = cue;
            from = drafts.size();
            drafts.addAll(clauses);
            current = clauses.get(clauses.size() - 1);
        }
        return from;
    }

    /** Splits one sentence at conjunctions that join two instructions. */
    private static List<Draft> splitSentence(String sentence) {
        List<Draft> out = new ArrayList<>();
        // Conjunctions between instructions; see TextScan.Conjunctions for what counts as one.
        TextScan.Conjunctions m = new TextScan.Conjunctions(sentence);
        int start = 0;
        String how = "separate sentence";
        String joiner = "";
        boolean cue = false;
        int candidates = 0;
        // Add-on words anywhere right of a conjunction make it one task: found in one pass, not once per conjunction.
        int lastAddOnWord = -1;
        if (ADD_ON_NEEDLES.in(sentence)) {
            for (Matcher w = ADD_ON_WORDS.matcher(sentence); w.find(lastAddOnWord + 1); ) lastAddOnWord = w.start();
        }
        while (m.find() && ++candidates <= MAX_CONJUNCTIONS) {
            String marker = m.marker();
            String right = sentence.substring(m.end);
            String left = sentence.substring(start, m.start);
            boolean plainAnd = marker.equals("and") || marker.equals("&") || marker.equals("And");
            if (!isInstruction(right, !plainAnd)) continue;
            if (!standsAlone(left)) continue;
            // A weak marker often joins two verbs of one task; "AND", "and also", "and then", ";" do not.
            boolean weak = plainAnd || marker.equalsIgnoreCase("then") || marker.equalsIgnoreCase("plus");
            if (weak && sameTask(left, right, lastAddOnWord >= m.end)) continue;
            Draft d = new Draft(cleanClause(left), out.isEmpty() ? "before '" + marker + "'" : how);
            d.joiner = joiner;
            d.thenCue = cue;
            out.add(d);
            how = "after '" + marker + "'";
            joiner = m.match();
            cue = marker.toLowerCase(Locale.ROOT).contains("then");
            start = m.end;
        }
        Draft last = new Draft(cleanClause(sentence.substring(start)), how);
        last.joiner = joiner;
        last.thenCue = cue;
        out.add(last);
        return out;
    }

    /** The left side of a conjunction is its own instruction unless it is a bare verb ("read and summarise"). */
    private static boolean standsAlone(String left) {
        String[] words = splitOnWhitespace(stripLead(left.strip()).toLowerCase(Locale.ROOT));
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            if (!STRONG_VERBS.contains(w) && !PARTICLES.contains(w) && !w.endsWith("ly")) return true;
        }
        return false;
    }

    /** Whether a weak marker joins two verbs of one task: in a clause, after "read ...", before an add-on. */
    private static boolean sameTask(String left, String right, boolean addOnWordsRight) {
        return opensClause(left) || INPUT_VERBS.contains(firstWord(stripLead(left.strip())))
                || addOnWordsRight || ADD_ON_START.matcher(stripLead(right.strip())).lookingAt();
    }

    /**
     * Whether the instruction's object is described by a clause still open at its end ("a script that
     * checks X", "a tool to parse X", "an API that can create"): what follows a weak "and" belongs to it.
     */
    private static boolean opensClause(String left) {
        String[] words = splitOnWhitespace(stripLead(left.strip()));
        for (int i = 1; i < words.length; i++) {
            String w = words[i].toLowerCase(Locale.ROOT);
            if (CLAUSE_OPENERS.contains(w) && !(i == 1 && w.equals("that"))) return true; // not "summarise that file"
            if (w.equals("to") && i + 1 < words.length && Character.isLowerCase(words[i + 1].charAt(0))
                    && !OBJECT_MARKERS.contains(words[i + 1])) {
                return true; // "to parse", not "to the README" or "to Java 21"
            }
        }
        return false;
    }

    /** Whether an instruction adds to the answer before it ("make it async", "give three examples"). */
    private static boolean addsOn(String text) {
        String body = stripLead(text.strip());
        return ADD_ON_START.matcher(body).lookingAt() || ADD_ON_NEEDLES.in(body) && ADD_ON_WORDS.matcher(body).find();
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
        if (CLAUSE_LEAD_WORDS.contains(leadingWord(s, 0))) {
            Matcher lead = CLAUSE_LEAD.matcher(s);
            if (lead.find() && lead.end() < s.length()) s = s.substring(lead.end());
        }
        int end = s.length(); // trailing commas and semicolons, with the space between them, in one cut
        while (end > 0 && (s.charAt(end - 1) == ',' || s.charAt(end - 1) == ';')) {
            end--;
            while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) end--;
        }
        return s.substring(0, end);
    }

    private static String stripLead(String text) {
        Matcher m = null;
        int end = 0;
        while (end < text.length() && LEAD_WORDS.contains(leadingWord(text, end))) {
            if (m == null) m = LEAD.matcher(text);
            if (!m.region(end, text.length()).lookingAt()) break;
            end = m.end();
        }
        return text.substring(end);
    }

    private static String firstWord(String text) {
        int i = 0;
        while (i < text.length() && (Character.isLetter(text.charAt(i)) || text.charAt(i) == '-')) i++;
        if (i == 0 && !text.isEmpty() && text.charAt(0) == OPEN) return String.valueOf(OPEN);
        return text.substring(0, i).toLowerCase(Locale.ROOT);
    }

    /** The lower-case words of text (runs of letters and apostrophes); placeholders and numbers are skipped. */
    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && !Character.isLetter(text.charAt(i))) i++;
            int start = i;
            while (i < text.length() && (Character.isLetter(text.charAt(i)) || text.charAt(i) == '\'')) i++;
            if (i > start) out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static int wordCount(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : TextScan.countWords(t);
    }

    /** Whether the text starts with {@code THEN_CUE}: "then ...", "and then ...", "finally ...". */
    private static boolean thenCue(CharSequence text) {
        return THEN_CUE_WORDS.contains(leadingWord(text, 0)) && THEN_CUE.matcher(text).find();
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
                // Searches end at the closing mark or the span's limit, never at the end of the prompt: from every
                // opening mark, that would be quadratic in a prompt full of them.
                int close = prompt.indexOf('`', i + 1);
                if (close > 0 && prompt.indexOf('\n', i + 1, close) < 0) end = close + 1; // on one line
            } else if (c == '"' || c == '\u201C') {
                char closing = c == '"' ? '"' : '\u201D';
                int close = prompt.indexOf(closing, i + 1, Math.min(n, i + 2000));
                if (close > 0) end = close + 1;
            } else if ((c == '\'' || c == '\u2018') && (i == 0 || " \t\n([".indexOf(prompt.charAt(i - 1)) >= 0)) {
                end = singleQuoteEnd(prompt, i, c == '\'' ? '\'' : '\u2019');
            } else if (c == OPEN || c == CLOSE) {
                end = i + 1; // the input's own placeholder characters: held, so unmask never misreads them
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

    /**
     * End of a single-quoted span opened at {@code open}: the next closing quote on the same line that is not
     * followed by a letter (so "don't" and "it's" do not close it), or -1.
     */
    private static int singleQuoteEnd(String prompt, int open, char closing) {
        int limit = Math.min(prompt.length(), open + 2000);
        for (int i = open + 2; i < limit; i++) {
            char c = prompt.charAt(i);
            if (c == '\n') return -1;
            if (c == closing && (i + 1 == prompt.length() || !Character.isLetter(prompt.charAt(i + 1)))) return i + 1;
        }
        return -1;
    }
}
