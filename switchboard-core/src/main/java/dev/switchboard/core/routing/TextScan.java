package dev.switchboard.core.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written scans for the splitter's hottest patterns, each giving exactly what its pattern gives (the tests
 * compare them on random text). A {@link java.util.regex.Pattern} tries each of its alternatives at each
 * character, ~100 ns a character, and these patterns ran over every sentence of a prompt several times: they were
 * most of a long prompt's split (README, Performance).
 */
final class TextScan {
    private TextScan() {}

    /**
     * The word at {@code from} in lower case: the run of characters a regex {@code \b} counts as word characters.
     * A case-insensitive literal followed by {@code \b}, a space or an apostrophe matches only where this is that
     * literal, so a set of first words tells where a pattern of such alternatives cannot match.
     */
    static String leadingWord(CharSequence text, int from) {
        int end = from;
        while (end < text.length() && TermMatcher.wordChar(text.charAt(end))) end++;
        if (end == from) return "";
        char[] word = new char[end - from];
        for (int i = 0; i < word.length; i++) word[i] = asciiLower(text.charAt(from + i));
        return new String(word);
    }

    /**
     * Lower-case ASCII strings to look for, ignoring ASCII case as the patterns do: where none occurs, a pattern
     * whose every match contains one need not scan the text.
     */
    static final class Needles {
        private final String[] needles;
        /** Which characters a needle starts with: most characters of a text start none and cost one test. */
        private final boolean[] firstChars = new boolean[128];

        Needles(String... needles) {
            this.needles = needles;
            for (String needle : needles) firstChars[needle.charAt(0)] = true;
        }

        boolean in(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = asciiLower(text.charAt(i));
                if (c >= 128 || !firstChars[c]) continue;
                for (String needle : needles) {
                    if (needle.charAt(0) == c && matchesAt(text, i, needle)) return true;
                }
            }
            return false;
        }
    }

    /** {@code text.split("\\s+").length} for text that starts with no white space, without the strings. */
    static int countWords(String text) {
        if (text.isEmpty()) return 1;
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            i = skipSpace(text, i);
            if (i < text.length()) count++;
            while (i < text.length() && !isSpace(text.charAt(i))) i++;
        }
        return count;
    }

    /** {@code text.split("\\s+")}: the runs between white space, and "" before a leading one if any run follows. */
    static String[] splitOnWhitespace(String text) {
        if (text.isEmpty()) return new String[] {""};
        List<String> out = new ArrayList<>();
        if (isSpace(text.charAt(0))) out.add("");
        int i = 0;
        while (i < text.length()) {
            i = skipSpace(text, i);
            int start = i;
            while (i < text.length() && !isSpace(text.charAt(i))) i++;
            if (i > start) out.add(text.substring(start, i));
        }
        if (out.size() == 1 && out.get(0).isEmpty()) return new String[0]; // white space only: split drops its ""
        return out.toArray(String[]::new);
    }

    /**
     * The matches of {@code (?<=[.!?])\s+(?=\S)|\n+}, one after another: white space after a sentence's end mark
     * that more text follows, or a run of line breaks.
     */
    static final class SentenceEnds {
        private final String text;
        int start;
        int end;

        SentenceEnds(String text) {
            this.text = text;
        }

        boolean find() {
            int n = text.length();
            for (int i = end; i < n; i++) {
                char c = text.charAt(i);
                if (!isSpace(c)) continue;
                char before = i > 0 ? text.charAt(i - 1) : 0;
                if (before == '.' || before == '!' || before == '?') {
                    int after = skipSpace(text, i);
                    if (after < n) return found(i, after);
                }
                if (c == '\n') {
                    int after = i;
                    while (after < n && text.charAt(after) == '\n') after++;
                    return found(i, after);
                }
            }
            return false;
        }

        private boolean found(int from, int to) {
            start = from;
            end = to;
            return true;
        }
    }

    /**
     * The matches of {@link #PATTERN}, case-insensitive: a conjunction marker between white space (after an optional
     * comma), or a semicolon. A match never starts inside a run of white space, only at its first character:
     * whatever matches from inside a run also matches from its start, which comes first.
     */
    static final class Conjunctions {
        static final String PATTERN = "(?!(?<=\\s)\\s)(?:(?:\\s*,)?\\s+(and also|and then|as well as|additionally|plus|"
                + "also|and|then|&)\\s+|\\s*(;)\\s*)";
        /** The pattern's alternatives, in its order: the first that white space follows is the marker. */
        private static final String[] MARKERS = {"and also", "and then", "as well as", "additionally", "plus", "also",
                "and", "then", "&"};

        private final String text;
        int start;
        int end;
        int markerStart;
        int markerEnd;

        Conjunctions(String text) {
            this.text = text;
        }

        String marker() {
            return text.substring(markerStart, markerEnd);
        }

        String match() {
            return text.substring(start, end);
        }

        boolean find() {
            int n = text.length();
            for (int i = end; i < n; i++) {
                char c = text.charAt(i);
                boolean space = isSpace(c);
                if (!space && c != ',' && c != ';') continue;
                if (space && i > 0 && isSpace(text.charAt(i - 1))) continue;
                start = i;
                int k = skipSpace(text, i);
                if (k < n && text.charAt(k) == ',' && markerAfter(k + 1)) return true;
                if (markerAfter(i)) return true;
                if (k < n && text.charAt(k) == ';') {
                    markerStart = k;
                    markerEnd = k + 1;
                    end = skipSpace(text, k + 1);
                    return true;
                }
            }
            return false;
        }

        /** {@code \s+(marker)\s+} from {@code at}; sets the marker and the end on a match. */
        private boolean markerAfter(int at) {
            int word = skipSpace(text, at);
            if (word == at) return false;
            for (String marker : MARKERS) {
                int after = word + marker.length();
                if (!matchesAt(text, word, marker)) continue;
                int next = skipSpace(text, after);
                if (next == after) continue;
                markerStart = word;
                markerEnd = after;
                end = next;
                return true;
            }
            return false;
        }
    }

    private static boolean matchesAt(String text, int at, String needle) {
        if (at + needle.length() > text.length()) return false;
        for (int k = 0; k < needle.length(); k++) if (asciiLower(text.charAt(at + k)) != needle.charAt(k)) return false;
        return true;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && isSpace(text.charAt(i))) i++;
        return i;
    }

    /** The characters of the regex class {@code \s}. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
