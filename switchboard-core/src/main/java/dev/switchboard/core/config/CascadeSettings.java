package dev.switchboard.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One cascade alias ({@code switchboard.cascades.NAME}): its tiers, cheapest first, the checks a tier's
 * answer must pass before it is served, and an optional judge model.
 * <pre>
 * switchboard:
 *   cascades:
 *     cheap-first:
 *       models: [small, medium, large]   # model groups, cheapest first; at least two
 *       checks:                           # every check is on by default
 *         refusal: true                   # refusal and "I don't know" openings
 *         refusal-patterns: []            # extra case-insensitive regexes, matched against the answer's opening
 *         empty: true
 *         truncated: true                 # finish_reason length (or content_filter)
 *         json: true                      # valid JSON / JSON Schema when response_format asks for it
 *         too-short: true                 # an answer under min-words to a question that asks for an explanation
 *         min-words: 8
 *       judge: small                      # optional: a model group asked PASS or FAIL after the checks pass
 *       judge-max-tokens: 8
 * </pre>
 *
 * @param models model group names, cheapest first
 * @param judge a model group that grades answers which passed the fast checks
 */
public record CascadeSettings(String name, List<String> models, Checks checks, Optional<String> judge, int judgeMaxTokens) {

    public CascadeSettings {
        models = List.copyOf(models);
    }

    /** Which post-generation checks run; see the class comment for the keys. */
    public record Checks(boolean refusal, List<Pattern> refusalPatterns, boolean empty, boolean truncated, boolean json,
            boolean tooShort, int minWords) {

        public static final Checks ALL = new Checks(true, List.of(), true, true, true, true, 8);

        public Checks {
            refusalPatterns = List.copyOf(refusalPatterns);
        }
    }

    private static final String EMBEDDING_ONLY = "'%s' is a group of embedding models, which cannot answer a chat";
    static final Set<String> KEYS = Set.of("models", "checks", "judge", "judge-max-tokens");
    static final Set<String> CHECK_KEYS = Set.of("refusal", "refusal-patterns", "empty", "truncated", "json", "too-short",
            "min-words");

    /**
     * Reads {@code switchboard.cascades}.
     *
     * @param groups the configured model groups: tiers and judges must name one
     * @param chatGroups those of them that can answer a chat (not embedding models only)
     * @param reserved model names already taken (model groups, the routed model names)
     */
    static Map<String, CascadeSettings> parse(ConfigNode n, Set<String> groups, Set<String> chatGroups,
            Set<String> reserved) {
        Map<String, CascadeSettings> out = new LinkedHashMap<>();
        for (String name : n.keys()) {
            ConfigNode c = n.get(name);
            c.onlyKeys(KEYS);
            if (reserved.contains(name)) throw c.error("the cascade name '" + name + "' is already a model name");
            ConfigNode modelsNode = c.get("models");
            if (!modelsNode.present()) throw modelsNode.error("is required");
            List<String> models = modelsNode.stringList();
            if (models.size() < 2) throw modelsNode.error("needs at least two model groups, cheapest first");
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < models.size(); i++) {
                String m = models.get(i);
                if (!groups.contains(m)) throw modelsNode.error("'" + m + "' is not a configured model group (model_list model_name)");
                if (!chatGroups.contains(m)) throw modelsNode.error(EMBEDDING_ONLY.formatted(m));
                if (!seen.add(m)) throw modelsNode.error("names '" + m + "' twice");
            }
            Optional<String> judge = c.get("judge").string();
            if (judge.isPresent() && !groups.contains(judge.get())) {
                throw c.get("judge").error("'" + judge.get() + "' is not a configured model group (model_list model_name)");
            }
            if (judge.isPresent() && !chatGroups.contains(judge.get())) {
                throw c.get("judge").error(EMBEDDING_ONLY.formatted(judge.get()));
            }
            out.put(name, new CascadeSettings(name, models, checks(c.get("checks")), judge,
                    c.get("judge-max-tokens").integer(8, 1, 4096)));
        }
        return out;
    }

    private static Checks checks(ConfigNode n) {
        n.onlyKeys(CHECK_KEYS);
        Checks d = Checks.ALL;
        List<Pattern> patterns = new ArrayList<>();
        List<ConfigNode> items = n.get("refusal-patterns").list();
        for (ConfigNode item : items) {
            try {
                patterns.add(Pattern.compile(item.requiredString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            } catch (PatternSyntaxException e) {
                throw item.error("is not a valid regular expression: " + e.getDescription());
            }
        }
        return new Checks(
                n.get("refusal").bool(d.refusal()),
                patterns,
                n.get("empty").bool(d.empty()),
                n.get("truncated").bool(d.truncated()),
                n.get("json").bool(d.json()),
                n.get("too-short").bool(d.tooShort()),
                n.get("min-words").integer(d.minWords(), 1, 10_000));
    }
}
