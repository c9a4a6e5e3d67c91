package dev.switchboard.core.routing.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One rule: every condition that is set must hold (an unset condition always holds, so a rule with no
 * conditions is a catch-all). Conditions look at the last user message, the request's tools, its metadata and
 * the client's headers.
 *
 * @param name shown in the route plan's rationale
 * @param pattern {@code pattern}: a regular expression found anywhere in the last user message (an empty one is none)
 * @param keywords {@code keywords}: at least one occurs in the last user message (case-insensitive)
 * @param minChars {@code min-chars}: the last user message has at least this many characters
 * @param maxChars {@code max-chars}: the last user message has at most this many characters
 * @param hasCode {@code has-code}: whether the last user message contains source code
 * @param hasTools {@code has-tools}: whether the request offers tools
 * @param metadata {@code metadata}: request metadata key → accepted values
 * @param headers {@code headers}: request header name → accepted values, both lower-case (compared ignoring case)
 * @param target the model group the request goes to when the rule matches
 */
public record RoutingRule(
        String name,
        Optional<Pattern> pattern,
        List<String> keywords,
        OptionalInt minChars,
        OptionalInt maxChars,
        Optional<Boolean> hasCode,
        Optional<Boolean> hasTools,
        Map<String, Set<String>> metadata,
        Map<String, Set<String>> headers,
        String target) {

    public RoutingRule {
        keywords = List.copyOf(keywords);
        metadata = Map.copyOf(metadata);
        headers = Map.copyOf(headers);
    }

    /** A rule without a condition that can fail ({@code min-chars: 0} holds for any text): it matches every chat. */
    public boolean matchesEveryRequest() {
        return pattern.isEmpty() && keywords.isEmpty() && (minChars.isEmpty() || minChars.getAsInt() == 0)
                && maxChars.isEmpty() && hasCode.isEmpty() && hasTools.isEmpty() && metadata.isEmpty() && headers.isEmpty();
    }
}
