package dev.switchboard.core.routing;

import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.RoutingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides what kind of task a (sub-)prompt is and how hard it is, from keyword and phrase tables plus
 * structural signals (length, multi-step and conditional markers, constraints, code blocks).
 * Deterministic and allocation-light: every table is matched in one case-folding pass over the text
 * ({@link TermMatcher}).
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

    /**
     * code_review terms that are not evidence of code by themselves: "review my cover letter" and "audit the expense
     * report" are no code review, and code_review goes to the top tier. Every other code_review or code_generation
     * term, or a code fence, is evidence.
     */
    private static final Set<String> REVIEW_WITHOUT_CODE = Set.of("review*", "audit*", "audit this", "audit the", "security");
    /**
     * reasoning terms that are no evidence when what is designed is a piece of writing: "design a birthday message" asks
     * for a few friendly lines, not a design, and reasoning goes to the top tier.
     */
    private static final Set<String> DESIGN = Set.of("design*", "design a", "design an", "design the");
    /**
     * Pieces of writing. Only ones no system is named after: "message queue", "toast notification" and "invitation
     * service" are designs.
     */
    private static final List<String> WRITING = List.of("poem*", "haiku*", "limerick*", "sonnet*", "lyrics", "jingle*",
            "slogan*", "tagline*", "eulogy", "wedding toast*", "greeting card*", "birthday card*", "birthday message*",
            "birthday wish*", "anniversary card*", "anniversary message*", "thank-you note*", "thank you note*",
            "thank-you message*", "thank you message*", "welcome message*", "farewell message*", "love letter*",
            "cover letter*", "short story", "bedtime story", "wedding invitation*", "party invitation*");
    /**
     * Asking for a piece of software by what it is: "write a Go client", "build a Rust CLI", "create a React component",
     * "write a client in Go", "code a parser". A build phrase ({@link #BUILD_VERBS} and a determiner) followed, within
     * {@link #BUILD_FILLER_WORDS} other words, by an artifact: any of {@link #ARTIFACTS} with a language of
     * {@link #LANGUAGES} before it or "in &lt;language&gt;" after it; or one of {@link #CODE_ARTIFACTS}, which name code
     * by themselves, after a verb of {@link #CODING_VERBS}; the other words may not be {@link #NOT_FILLERS}. It weighs
     * as a code_generation phrase. Checked word by word after the build phrase, not as phrases in the matcher: every
     * verb, language and artifact together would be tens of thousands of terms.
     */
    private static final List<String> BUILD_VERBS = List.of("write", "create", "build", "implement", "code", "develop",
            "generate", "make");
    private static final List<String> BUILD_DETERMINERS = List.of("a", "an", "the", "me a", "me an", "us a", "some");
    /** Verbs that ask for code whatever follows ("build a library" may be of books; "write a library" is code). */
    private static final Set<String> CODING_VERBS = Set.of("write", "code", "implement");
    private static final int BUILD_FILLER_WORDS = 2;
    /** Words that end the thing asked for: what follows is what it is about ("a poem about my class"), not what it is. */
    private static final Set<String> NOT_FILLERS = Set.of("about", "on", "for", "to", "of", "with",
            "in", "into", "from", "by", "at", "as", "my", "your", "our", "their", "his", "her", "its", "the", "a", "an",
            "and", "or", "but", "that", "which", "who", "where", "when", "than", "like");
    private static final Set<String> LANGUAGES = Set.of("go", "golang", "python", "java", "javascript",
            "js", "typescript", "ts", "node", "node.js", "nodejs", "deno", "rust", "kotlin", "scala", "swift", "objective-c",
            "c", "c++", "c#", "f#", ".net", "ruby", "php", "perl", "lua", "r", "julia", "haskell", "elixir", "erlang",
            "clojure", "ocaml", "dart", "flutter", "zig", "nim", "bash", "shell", "powershell", "sql", "groovy", "matlab",
            "fortran", "cobol", "solidity", "react", "vue", "angular", "svelte", "django", "flask", "fastapi", "spring",
            "rails", "express", "android", "ios", "wasm");
    /** What code is written as; with a language each is code ("a Go client", "a Python tool"). */
    private static final Set<String> ARTIFACTS = Set.of("client", "library", "lib", "script",
            "function", "method", "class", "cli", "command-line", "program", "module", "package", "sdk", "wrapper", "tool",
            "app", "application", "service", "server", "api", "component", "plugin", "extension", "bot", "binding",
            "driver", "crate", "gem", "microservice", "daemon", "parser", "handler", "middleware", "endpoint", "test",
            "snippet", "implementation", "backend", "webhook", "worker", "lambda", "utility", "macro", "hook",
            "decorator", "struct", "interface", "enum", "query", "migration", "scraper", "crawler");
    /** Artifacts that are code with no language named ("write a CLI", "code a parser"); not "a client" or "an app". */
    private static final Set<String> CODE_ARTIFACTS = Set.of("function", "method", "class", "script",
            "program", "library", "module", "cli", "command-line", "sdk", "wrapper", "parser", "plugin", "middleware",
            "microservice", "daemon", "crate", "webhook", "decorator", "struct", "enum", "scraper", "crawler");

    /** A fenced code block: most often a coding task, whatever the question's words. */
    private static final String CODE_FENCE = "```";
    private static final double CODE_FENCE_WEIGHT = 2.0;

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
                        "unit test*", "sql query", "regular expression", "fix the bug", "fix this bug", "stack trace",
                        "what's wrong with this code", "why does this code"),
                List.of("implement*", "code", "coding", "function", "script", "program", "refactor*", "middleware",
                        "debug*", "regex", "algorithm", "compile*", "api client", "sdk", "cli", "snippet", "traceback",
                        "exception", "nullpointer*", "segfault", "serializ*", "deserializ*", "parser"),
                List.of("endpoint*", "class", "module", "build", "develop", "test*", "python", "java", "javascript",
                        "typescript", "rust", "golang", "kotlin", "c#", "c++", "sql", "bash", "fastapi", "django",
                        "flask", "spring", "react", "node.js", "query", "json", "yaml", "dockerfile", "docker",
                        "kubernetes", "parse")));
        t.put(REASONING, new Table(0.70,
                List.of("trade-off*", "tradeoff*", "pros and cons", "should i", "should we", "best approach",
                        "which is better", "step by step", "root cause", "design a", "design an", "design the",
                        "architecture for", "think through", "reason about", "what would happen if", "times as many",
                        "times as much", "how long will it take", "how long does it take", "how far", "probability that",
                        "per hour", "average speed"),
                List.of("architect*", "design*", "compar*", "evaluat*", "prove", "proof", "derive", "strategy",
                        "decide", "decision", "solve", "assess*", "analy*", "justify", "equation*", "probability",
                        "ratio", "percent*", "remainder", "mph"),
                List.of("plan", "optimi*", "calculate", "estimate", "reason*", "why")));
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
                        "tell me", "capital of", "stand for", "stands for", "define", "definition", "why is", "why are",
                        "why does", "why do", "why did"),
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

    /** Positions of the term groups in the matcher, after the type terms. */
    private static final int DEPTH_GROUP = 0;
    private static final int CONSTRAINTS_GROUP = 1;
    private static final int HARD_GROUP = 2;
    private static final int EASY_GROUP = 3;
    /** Not complexity: names a piece of writing (see {@link #DESIGN}). */
    private static final int WRITING_GROUP = 4;
    /** Not complexity: a build phrase, which may ask for a piece of software (see {@link #BUILD_VERBS}). */
    private static final int BUILD_GROUP = 5;
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
    /** Every table in one automaton: the type terms first, then the complexity groups, each a range of indices. */
    private final TermMatcher matcher;
    private final int[] owner;
    private final double[] weight;
    private final int typeTerms;
    private final int[] groupEnd;
    /** The code fence's index in the matcher, after the groups: found in the same pass as every table. */
    private final int fence;
    /** Per type term: whether it shows the text is about code (see {@link #REVIEW_WITHOUT_CODE}). */
    private final boolean[] codeEvidence;
    /** Per type term: whether it is a reasoning term that a piece of writing outweighs (see {@link #DESIGN}). */
    private final boolean[] designOnly;
    private final int codeReview;
    private final int codeGeneration;

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
        List<Integer> owners = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            Table t = tables.get(types[i]);
            base[i] = t.base();
            add(terms, owners, weights, t.phrases(), i, PHRASE_WEIGHT);
            add(terms, owners, weights, t.keywords(), i, KEYWORD_WEIGHT);
            add(terms, owners, weights, t.weak(), i, WEAK_WEIGHT);
        }
        typeTerms = terms.size();
        codeReview = List.of(types).indexOf(CODE_REVIEW);
        codeGeneration = List.of(types).indexOf(CODE_GENERATION);
        int reasoning = List.of(types).indexOf(REASONING);
        codeEvidence = new boolean[typeTerms];
        designOnly = new boolean[typeTerms];
        for (int i = 0; i < typeTerms; i++) {
            codeEvidence[i] = (owners.get(i) == codeReview || owners.get(i) == codeGeneration)
                    && !REVIEW_WITHOUT_CODE.contains(terms.get(i));
            designOnly[i] = owners.get(i) == reasoning && DESIGN.contains(terms.get(i));
        }
        List<List<String>> groups = List.of(DEPTH, CONSTRAINTS, HARD, EASY, WRITING, buildPhrases()); // in *_GROUP order
        groupEnd = new int[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            add(terms, owners, weights, groups.get(g), -1, 0);
            groupEnd[g] = terms.size();
        }
        fence = terms.size();
        add(terms, owners, weights, List.of(CODE_FENCE), -1, 0);
        matcher = new TermMatcher(terms);
        owner = owners.stream().mapToInt(Integer::intValue).toArray();
        weight = weights.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void add(List<String> terms, List<Integer> owners, List<Double> weights, List<String> src,
            int type, double w) {
        for (String s : src) {
            terms.add(s.toLowerCase(Locale.ROOT));
            owners.add(type);
            weights.add(w);
        }
    }

    private static List<String> buildPhrases() {
        List<String> out = new ArrayList<>();
        for (String verb : BUILD_VERBS) for (String determiner : BUILD_DETERMINERS) out.add(verb + " " + determiner);
        return out;
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
        int[] first = matcher.firstMatches(text);
        List<String> signals = new ArrayList<>(8);
        double[] score = new double[types.length];
        int leading = leadingWord(text);
        boolean fenced = first[fence] >= 0;
        boolean code = fenced;
        boolean writing = occurs(WRITING_GROUP, first);
        for (int i = 0; i < typeTerms; i++) {
            if (first[i] >= 0 && !(writing && designOnly[i])) {
                score[owner[i]] += weight[i] + (first[i] == leading ? LEADING_BONUS : 0);
                signals.add(matcher.term(i));
                code |= codeEvidence[i];
            }
        }
        if (codeGeneration >= 0) {
            Software software = softwareAsked(text, first);
            if (software != null) {
                score[codeGeneration] += PHRASE_WEIGHT + (software.at() == leading ? LEADING_BONUS : 0);
                signals.add(software.words());
                code = true;
            }
        }
        if (fenced && codeGeneration >= 0) score[codeGeneration] += CODE_FENCE_WEIGHT;
        if (!code && codeReview >= 0) score[codeReview] = 0; // a review of prose is no code review
        int best = -1;
        for (int i = 0; i < types.length; i++) {
            if (score[i] > 0 && (best < 0 || score[i] > score[best])) best = i;
        }
        String type = best < 0 ? FALLBACK_TYPE : types[best];
        double complexity = best < 0 ? baseOf(FALLBACK_TYPE) : base[best];
        complexity += Math.min(LENGTH_CAP, Math.log10(Math.max(1, tokenCount)) * LENGTH_SCALE);
        complexity += Math.min(DEPTH_CAP, matches(DEPTH_GROUP, first, signals) * DEPTH_STEP);
        complexity += Math.min(CONSTRAINT_CAP, matches(CONSTRAINTS_GROUP, first, signals) * CONSTRAINT_STEP);
        complexity += Math.min(HARD_CAP, matches(HARD_GROUP, first, signals) * HARD_STEP);
        complexity -= Math.min(EASY_CAP, matches(EASY_GROUP, first, signals) * EASY_STEP);
        if (writing) matches(WRITING_GROUP, first, signals);
        if (fenced) {
            complexity += CODE_BLOCK;
            signals.add("code block");
        }
        complexity = Math.round(Math.clamp(complexity, 0.0, 1.0) * 1000) / 1000.0;
        ComplexityTier tier = complexity < lowTierBelow ? ComplexityTier.LOW
                : complexity < highTierFrom ? ComplexityTier.MEDIUM : ComplexityTier.HIGH;
        return new TaskProfile(type, complexity, tier, tokenCount, signals);
    }

    /** The words that asked for a piece of software ("write a go client"), lower-cased, and where they start. */
    private record Software(String words, int at) {}

    /** The piece of software a build phrase's first occurrence asks for (see {@link #BUILD_VERBS}), or null. */
    private Software softwareAsked(String text, int[] first) {
        for (int i = groupEnd[BUILD_GROUP - 1]; i < groupEnd[BUILD_GROUP]; i++) {
            if (first[i] < 0) continue;
            String phrase = matcher.term(i);
            List<String> words = wordsAfter(text, first[i] + phrase.length(), BUILD_FILLER_WORDS + 4);
            for (int k = 0; k < words.size() && k <= BUILD_FILLER_WORDS + 1; k++) {
                String artifact = singular(words.get(k), ARTIFACTS);
                if (artifact == null) {
                    if (NOT_FILLERS.contains(words.get(k))) break;
                    continue;
                }
                boolean languageBefore = k > 0 && LANGUAGES.contains(words.get(k - 1));
                if (k - (languageBefore ? 1 : 0) > BUILD_FILLER_WORDS) break;
                boolean languageAfter = k + 2 < words.size() && words.get(k + 1).equals("in")
                        && LANGUAGES.contains(words.get(k + 2));
                boolean byItself = CODE_ARTIFACTS.contains(artifact)
                        && CODING_VERBS.contains(phrase.substring(0, phrase.indexOf(' ')));
                if (languageBefore || languageAfter || byItself) {
                    return new Software(phrase + " " + String.join(" ", words.subList(languageBefore ? k - 1 : k,
                            languageAfter ? k + 3 : k + 1)), first[i]);
                }
            }
        }
        return null;
    }

    /** Up to {@code max} words from {@code from}, lower-cased, ending at the end of the clause (a comma, a full stop...). */
    private static List<String> wordsAfter(String text, int from, int max) {
        List<String> words = new ArrayList<>(max);
        int i = from;
        while (words.size() < max) {
            while (i < text.length() && text.charAt(i) == ' ') i++;
            int start = i;
            while (i < text.length() && (TermMatcher.wordChar(text.charAt(i)) || "+#.-/'".indexOf(text.charAt(i)) >= 0)) {
                i++;
            }
            int end = i;
            while (end > start && ".'/-".indexOf(text.charAt(end - 1)) >= 0) end--; // "client." ends the clause
            if (end == start) break;
            words.add(text.substring(start, end).toLowerCase(Locale.ROOT));
            if (end < i || i >= text.length() || text.charAt(i) != ' ') break;
        }
        return words;
    }

    /** Plural endings and their singulars, longest first: "libraries", "classes", "clients". */
    private static final String[][] PLURALS = {{"ies", "y"}, {"es", ""}, {"s", ""}};

    /** {@code word} or its singular when that is in {@code names} ("classes", "libraries"); else null. */
    private static String singular(String word, Set<String> names) {
        if (names.contains(word)) return word;
        for (String[] plural : PLURALS) {
            if (word.endsWith(plural[0])) {
                String one = word.substring(0, word.length() - plural[0].length()) + plural[1];
                if (names.contains(one)) return one;
            }
        }
        return null;
    }

    /** Where the first word starts, after whitespace and a polite "please". */
    private static int leadingWord(String text) {
        int i = 0;
        while (i < text.length() && !Character.isLetterOrDigit(text.charAt(i))) i++;
        if (text.regionMatches(true, i, "please ", 0, "please ".length())) {
            i += "please ".length();
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        }
        return i;
    }

    private boolean occurs(int g, int[] first) {
        for (int i = groupEnd[g - 1]; i < groupEnd[g]; i++) if (first[i] >= 0) return true;
        return false;
    }

    /** How many terms of complexity group {@code g} occur, each added to the signals. */
    private int matches(int g, int[] first, List<String> signals) {
        int n = 0;
        for (int i = g == 0 ? typeTerms : groupEnd[g - 1]; i < groupEnd[g]; i++) {
            if (first[i] >= 0) {
                n++;
                signals.add(matcher.term(i));
            }
        }
        return n;
    }

    private double baseOf(String type) {
        for (int i = 0; i < types.length; i++) if (types[i].equals(type)) return base[i];
        return CUSTOM_BASE;
    }
}
