package dev.switchboard.core.routing;

import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.RoutingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides what kind of task a (sub-)prompt is and how hard it is, from keyword and phrase tables plus
 * structural signals (length, multi-step and conditional markers, constraints, code blocks).
 * Deterministic and allocation-light: the text is lower-cased once and every table is precompiled.
 *
 * <p>Terms match at word boundaries; a term ending in {@code *} is a stem and matches any word that
 * starts with it ({@code summar*} matches "summarise" and "summary"). Phrases weigh three times a
 * keyword; the highest total wins, ties go to the type listed first (the more demanding one).
 */
public final class TaskClassifier {
    public static final String DOCUMENTATION = "documentation";
    public static final String CODE_GENERATION = "code_generation";
    public static final String CODE_REVIEW = "code_review";
    public static final String REASONING = "reasoning";
    public static final String QA_SIMPLE = "qa_simple";
    public static final String SUMMARISATION = "summarisation";

    /** The type of a prompt that matches no table. */
    public static final String FALLBACK_TYPE = QA_SIMPLE;
    static final double PHRASE_WEIGHT = 3.0;
    static final double KEYWORD_WEIGHT = 1.0;
    static final double WEAK_WEIGHT = 0.5;
    /** The instruction's own verb ("Summarise ...", "Review ...") says most about the task. */
    static final double LEADING_BONUS = 2.0;
    static final double CUSTOM_BASE = 0.40;

    private record Table(double base, List<String> phrases, List<String> keywords, List<String> weak) {}

    /** Built-in tables, most demanding type first (that order breaks ties). */
    private static Map<String, Table> defaultTables() {
        Map<String, Table> t = new LinkedHashMap<>();
        t.put(CODE_REVIEW, new Table(0.60,
                List.of("code review", "review this code", "review the code", "review my code", "review this diff",
                        "review the diff", "review this pr", "review the pull request", "security audit",
                        "security review", "find bugs", "find the bug*", "find vulnerabilit*", "audit this", "audit the"),
                List.of("review*", "audit*", "vulnerab*", "cve", "lint*", "xss", "csrf", "injection"),
                List.of("diff", "security", "insecure")));
        t.put(CODE_GENERATION, new Table(0.55,
                List.of("write a function", "write the function", "write code", "write the code", "write a script",
                        "write a program", "write a class", "write a test*", "write unit test*", "write tests",
                        "create a function", "create a class", "create a script", "implement a", "implement the",
                        "unit test*", "sql query", "regular expression", "fix the bug", "fix this bug"),
                List.of("implement*", "code", "coding", "function", "script", "program", "refactor*", "middleware",
                        "debug*", "regex", "algorithm", "compile*", "api client", "sdk", "cli", "snippet"),
                List.of("endpoint*", "class", "module", "build", "develop", "test*", "python", "java", "javascript",
                        "typescript", "rust", "golang", "kotlin", "c#", "c++", "sql", "bash", "fastapi", "django",
                        "flask", "spring", "react", "node.js")));
        t.put(REASONING, new Table(0.70,
                List.of("trade-off*", "tradeoff*", "pros and cons", "should i", "should we", "best approach",
                        "which is better", "step by step", "root cause", "design a", "design an", "design the",
                        "architecture for", "think through", "reason about", "what would happen if"),
                List.of("architect*", "design*", "compar*", "evaluat*", "prove", "proof", "derive", "strategy",
                        "decide", "decision", "solve", "why", "assess*", "analy*", "justify"),
                List.of("plan", "optimi*", "calculate", "estimate", "reason*")));
        t.put(DOCUMENTATION, new Table(0.20,
                List.of("api reference", "api doc*", "reference doc*", "write the doc*", "write doc*",
                        "write documentation", "write a readme", "user guide", "how-to guide", "release notes",
                        "docstring*", "javadoc*", "inline comment*", "write comments"),
                List.of("document*", "docs", "readme", "changelog", "tutorial", "manual", "comment*", "describ*",
                        "guide"),
                List.of("explain*", "wiki")));
        t.put(SUMMARISATION, new Table(0.15,
                List.of("tl;dr", "sum up", "key points", "main points", "key takeaways", "in one paragraph", "into one paragraph",
                        "into a paragraph", "in one sentence", "into one sentence", "bullet points",
                        "in a few sentences", "give me the gist"),
                List.of("summar*", "tldr", "condense", "shorten", "recap", "gist", "digest"),
                List.of("brief*", "overview", "abstract", "outline")));
        // Question forms are weak evidence: any other type's signal in the question outweighs them.
        t.put(QA_SIMPLE, new Table(0.10,
                List.of(),
                List.of("what is", "what are", "what's", "what was", "who is", "who was", "who wrote", "when was",
                        "when did", "where is", "how many", "how much", "how does", "how do i", "meaning of",
                        "tell me", "capital of", "stand for", "stands for", "define", "definition"),
                List.of("who", "when", "where", "which")));
        return t;
    }

    private static final List<String> DEPTH = List.of("step 1", "step by step", "first,", "then,", "finally",
            "after that", "afterwards", "however", "alternatively", "on the other hand", "in addition",
            "furthermore", "moreover", "if", "unless", "otherwise", "edge case*", "depending on", "in case",
            "error handling", "handle error*", "fallback*", "retry", "retries");
    private static final List<String> CONSTRAINTS = List.of("must", "must not", "should not", "never", "without",
            "at least", "at most", "no more than", "ensure", "guarantee*", "thread-safe", "thread safe",
            "production*", "performant", "o(n", "backward* compatible", "idempotent", "within", "exactly",
            "strictly", "only use", "do not use", "don't use");
    private static final List<String> HARD = List.of("complex", "complicated", "distributed", "concurren*",
            "secur*", "oauth*", "authenticat*", "authori*", "encrypt*", "cryptograph*", "race condition*",
            "deadlock*", "multi-tenant", "transaction*", "detailed", "comprehensive", "in-depth", "in depth",
            "rigorous*", "formal*", "scalab*", "high availability", "fault tolerant", "fault-tolerant");
    private static final List<String> EASY = List.of("simple", "simply", "quick*", "short", "brief*",
            "one sentence", "one line", "one-liner", "basic", "trivial", "eli5", "in a few words", "one word");

    private static final double DEPTH_STEP = 0.04;
    private static final double DEPTH_CAP = 0.20;
    private static final double CONSTRAINT_STEP = 0.03;
    private static final double CONSTRAINT_CAP = 0.15;
    private static final double HARD_STEP = 0.05;
    private static final double HARD_CAP = 0.15;
    private static final double EASY_STEP = 0.05;
    private static final double EASY_CAP = 0.10;
    private static final double CODE_BLOCK = 0.05;
    private static final double LENGTH_CAP = 0.15;
    private static final double LENGTH_SCALE = 0.05;

    private final TokenCounter tokens;
    private final double lowTierBelow;
    private final double highTierFrom;
    private final String[] types;
    private final double[] base;
    private final Terms typeTerms;
    private final Terms depth = Terms.of(DEPTH);
    private final Terms constraints = Terms.of(CONSTRAINTS);
    private final Terms hard = Terms.of(HARD);
    private final Terms easy = Terms.of(EASY);

    public TaskClassifier(RoutingSettings settings, TokenCounter tokens) {
        this.tokens = tokens;
        this.lowTierBelow = settings.lowTierBelow();
        this.highTierFrom = settings.highTierFrom();
        Map<String, Table> tables = defaultTables();
        for (var e : settings.taskTypes().entrySet()) {
            RoutingSettings.TaskTypeSpec spec = e.getValue();
            Table existing = tables.get(e.getKey());
            if (existing == null) {
                tables.put(e.getKey(), new Table(spec.baseComplexity().orElse(CUSTOM_BASE), spec.phrases(),
                        spec.keywords(), List.of()));
            } else {
                tables.put(e.getKey(), new Table(spec.baseComplexity().orElse(existing.base()),
                        concat(existing.phrases(), spec.phrases()), concat(existing.keywords(), spec.keywords()),
                        existing.weak()));
            }
        }
        types = tables.keySet().toArray(String[]::new);
        base = new double[types.length];
        List<String> terms = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        List<Double> weight = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            Table t = tables.get(types[i]);
            base[i] = t.base();
            add(terms, owner, weight, t.phrases(), i, PHRASE_WEIGHT);
            add(terms, owner, weight, t.keywords(), i, KEYWORD_WEIGHT);
            add(terms, owner, weight, t.weak(), i, WEAK_WEIGHT);
        }
        typeTerms = new Terms(terms, owner.stream().mapToInt(Integer::intValue).toArray(),
                weight.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void add(List<String> terms, List<Integer> owner, List<Double> weight, List<String> src, int type,
            double w) {
        for (String s : src) {
            terms.add(s.toLowerCase(Locale.ROOT));
            owner.add(type);
            weight.add(w);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Every task type this classifier can produce, most demanding first. */
    public List<String> taskTypes() {
        return List.of(types);
    }

    public TaskProfile classify(String text) {
        return classify(text, tokens.count(text));
    }

    /** Classifies with a token count the caller already has. */
    public TaskProfile classify(String text, int tokenCount) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> signals = new ArrayList<>(8);
        double[] score = new double[types.length];
        typeTerms.score(lower, leadingWord(lower), score, signals);
        int best = -1;
        for (int i = 0; i < types.length; i++) {
            if (score[i] > 0 && (best < 0 || score[i] > score[best])) best = i;
        }
        String type = best < 0 ? FALLBACK_TYPE : types[best];
        double complexity = best < 0 ? baseOf(FALLBACK_TYPE) : base[best];
        complexity += Math.min(LENGTH_CAP, Math.log10(Math.max(1, tokenCount)) * LENGTH_SCALE);
        complexity += Math.min(DEPTH_CAP, depth.count(lower, signals) * DEPTH_STEP);
        complexity += Math.min(CONSTRAINT_CAP, constraints.count(lower, signals) * CONSTRAINT_STEP);
        complexity += Math.min(HARD_CAP, hard.count(lower, signals) * HARD_STEP);
        complexity -= Math.min(EASY_CAP, easy.count(lower, signals) * EASY_STEP);
        if (lower.contains("```")) {
            complexity += CODE_BLOCK;
            signals.add("code block");
        }
        complexity = Math.round(Math.clamp(complexity, 0.0, 1.0) * 1000) / 1000.0;
        ComplexityTier tier = complexity < lowTierBelow ? ComplexityTier.LOW
                : complexity < highTierFrom ? ComplexityTier.MEDIUM : ComplexityTier.HIGH;
        return new TaskProfile(type, complexity, tier, tokenCount, signals);
    }

    /** Where the first word starts, after whitespace and a polite "please". */
    private static int leadingWord(String lower) {
        int i = 0;
        while (i < lower.length() && !Character.isLetterOrDigit(lower.charAt(i))) i++;
        if (lower.startsWith("please ", i)) {
            i += "please ".length();
            while (i < lower.length() && Character.isWhitespace(lower.charAt(i))) i++;
        }
        return i;
    }

    private double baseOf(String type) {
        for (int i = 0; i < types.length; i++) if (types[i].equals(type)) return base[i];
        return CUSTOM_BASE;
    }

    /** A precompiled term table matched with indexOf at word boundaries. */
    record Terms(String[] terms, boolean[] stem, int[] owner, double[] weight) {
        Terms(List<String> raw, int[] owner, double[] weight) {
            this(strip(raw), stems(raw), owner, weight);
        }

        static Terms of(List<String> raw) {
            return new Terms(raw, new int[raw.size()], new double[raw.size()]);
        }

        private static String[] strip(List<String> raw) {
            return raw.stream().map(s -> s.endsWith("*") ? s.substring(0, s.length() - 1) : s).toArray(String[]::new);
        }

        private static boolean[] stems(List<String> raw) {
            boolean[] b = new boolean[raw.size()];
            for (int i = 0; i < b.length; i++) b[i] = raw.get(i).endsWith("*");
            return b;
        }

        void score(String lower, int leading, double[] score, List<String> signals) {
            for (int i = 0; i < terms.length; i++) {
                int at = find(lower, i);
                if (at >= 0) {
                    score[owner[i]] += weight[i] + (at == leading ? LEADING_BONUS : 0);
                    signals.add(terms[i]);
                }
            }
        }

        int count(String lower, List<String> signals) {
            int n = 0;
            for (int i = 0; i < terms.length; i++) {
                if (find(lower, i) >= 0) {
                    n++;
                    signals.add(terms[i]);
                }
            }
            return n;
        }

        /** Index of the first match at word boundaries, or -1. */
        int find(String lower, int i) {
            String t = terms[i];
            int from = 0;
            while (true) {
                int at = lower.indexOf(t, from);
                if (at < 0) return -1;
                boolean startOk = at == 0 || !wordChar(lower.charAt(at - 1)) || !wordChar(t.charAt(0));
                int end = at + t.length();
                boolean endOk = stem[i] || end == lower.length() || !wordChar(lower.charAt(end))
                        || !wordChar(t.charAt(t.length() - 1));
                if (startOk && endOk) return at;
                from = at + 1;
            }
        }

        private static boolean wordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }
    }
}
