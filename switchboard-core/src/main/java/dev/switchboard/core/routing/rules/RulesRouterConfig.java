package dev.switchboard.core.routing.rules;

import dev.switchboard.core.config.ConfigNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A rules router's configuration:
 *
 * <pre>
 * model: auto              # the alias clients call; the router answers only for it
 * rules:                   # tried in order, the first match wins; none matching falls through
 *   - name: premium-users
 *     headers: {x-user-tier: [premium, enterprise]}   # names and values compared ignoring case
 *     target: gpt-4o
 *   - name: code
 *     has-code: true
 *     target: gpt-4o
 *   - name: short-chat
 *     max-chars: 400
 *     keywords: [hi, hello, thanks]
 *     target: gpt-4o-mini
 * </pre>
 */
public record RulesRouterConfig(String model, List<RoutingRule> rules) {
    private static final Set<String> TOP_KEYS = Set.of("model", "rules");
    private static final Set<String> RULE_KEYS = Set.of("name", "pattern", "keywords", "min-chars", "max-chars",
            "has-code", "has-tools", "metadata", "headers", "target");

    public RulesRouterConfig {
        rules = List.copyOf(rules);
    }

    public static RulesRouterConfig parse(ConfigNode node) {
        node.onlyKeys(TOP_KEYS);
        String model = node.get("model").requiredString();
        List<ConfigNode> items = node.get("rules").list();
        if (items.isEmpty()) throw node.get("rules").error("must list at least one rule");
        List<RoutingRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            RoutingRule rule = parseRule(items.get(i), i);
            if (!names.add(rule.name())) throw items.get(i).get("name").error("duplicate rule name '" + rule.name() + "'");
            // The first match wins, so nothing after a rule that matches everything is ever tried.
            for (int k = 0; k < rules.size(); k++) {
                if (rules.get(k).matchesEveryRequest()) {
                    throw items.get(i).error("rule '" + rule.name() + "' is never tried: rule '" + rules.get(k).name()
                            + "' (rules[" + k + "]) before it has no condition and matches every request");
                }
            }
            rules.add(rule);
        }
        return new RulesRouterConfig(model, rules);
    }

    static RoutingRule parseRule(ConfigNode node, int index) {
        node.onlyKeys(RULE_KEYS);
        String name = node.get("name").string("rule-" + (index + 1));
        // An empty pattern is no condition, as an empty keywords list or headers mapping is: the rule may catch all.
        Optional<Pattern> pattern = node.get("pattern").string().filter(p -> !p.isEmpty())
                .map(p -> compile(node.get("pattern"), p));
        List<String> keywords = node.get("keywords").stringList().stream()
                .map(k -> k.toLowerCase(Locale.ROOT)).toList();
        OptionalInt minChars = node.get("min-chars").integer(0, Integer.MAX_VALUE);
        OptionalInt maxChars = node.get("max-chars").integer(0, Integer.MAX_VALUE);
        if (minChars.isPresent() && maxChars.isPresent() && minChars.getAsInt() > maxChars.getAsInt()) {
            throw node.get("max-chars").error("must not be below min-chars (" + minChars.getAsInt() + ")");
        }
        Optional<Boolean> hasCode = optionalBool(node.get("has-code"));
        Optional<Boolean> hasTools = optionalBool(node.get("has-tools"));
        Map<String, Set<String>> metadata = valueSets(node.get("metadata"), false);
        // Header names are case-insensitive in HTTP; their values (a tier, a team) are compared ignoring case too.
        Map<String, Set<String>> headers = valueSets(node.get("headers"), true);
        String target = node.get("target").requiredString();
        return new RoutingRule(name, pattern, keywords, minChars, maxChars, hasCode, hasTools, metadata, headers,
                target);
    }

    private static Pattern compile(ConfigNode node, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw node.error("invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    private static Optional<Boolean> optionalBool(ConfigNode node) {
        return node.present() ? Optional.of(node.bool(false)) : Optional.empty();
    }

    /** A mapping of name → one value or a list of accepted values; for headers, names and values lower-cased. */
    private static Map<String, Set<String>> valueSets(ConfigNode node, boolean headers) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String key : node.keys()) {
            List<String> values = node.get(key).stringList();
            if (values.isEmpty()) throw node.get(key).error("must name at least one value");
            if (headers) values = values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
            out.put(headers ? key.toLowerCase(Locale.ROOT) : key, Set.copyOf(new LinkedHashSet<>(values)));
        }
        return out;
    }
}
