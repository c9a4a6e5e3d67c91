package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TermMatcherTest {
    private static final List<String> TERMS = List.of("review*", "code review", "review this code", "if", "o(n",
            "first,", "c++", "c#", "node.js", "trade-off*", "edge case*", "what's", "tl;dr", "in", "in depth",
            "in-depth", "design*", "design a", "naïve", "ab", "b", "abc*", "bca", "über*");

    @Test
    void findsEachTermsFirstOccurrenceAtWordBoundaries() {
        TermMatcher m = new TermMatcher(TERMS);
        String text = "please review this code: if the fix is o(n^2), it's a c++ bug.";
        int[] first = m.firstMatches(text);
        assertThat(first[TERMS.indexOf("review*")]).isEqualTo(7);
        assertThat(first[TERMS.indexOf("code review")]).isEqualTo(-1);
        assertThat(first[TERMS.indexOf("review this code")]).isEqualTo(7);
        assertThat(first[TERMS.indexOf("if")]).isEqualTo(text.indexOf("if"));
        assertThat(first[TERMS.indexOf("o(n")]).isEqualTo(text.indexOf("o(n"));
        assertThat(first[TERMS.indexOf("c++")]).isEqualTo(text.indexOf("c++"));
        assertThat(first[TERMS.indexOf("in")]).as("not inside a word").isEqualTo(-1);
    }

    @Test
    void aStemEndsInsideAWordButStillStartsAtABoundary() {
        TermMatcher m = new TermMatcher(TERMS);
        int[] first = m.firstMatches("peer-reviewed designs; a redesign");
        assertThat(first[TERMS.indexOf("review*")]).as("after a hyphen is a boundary").isEqualTo(5);
        assertThat(first[TERMS.indexOf("design*")]).isEqualTo(14);
        assertThat(m.firstMatches("a redesign")[TERMS.indexOf("design*")]).isEqualTo(-1);
    }

    @Test
    void overlappingAndNestedTermsAreAllFound() {
        TermMatcher m = new TermMatcher(TERMS);
        int[] first = m.firstMatches("xabc abcd bca b ab");
        assertThat(first[TERMS.indexOf("abc*")]).isEqualTo(5);
        assertThat(first[TERMS.indexOf("bca")]).isEqualTo(10);
        assertThat(first[TERMS.indexOf("b")]).isEqualTo(14);
        assertThat(first[TERMS.indexOf("ab")]).isEqualTo(16);
    }

    @Test
    void nonAsciiTermsAndTextMatch() {
        TermMatcher m = new TermMatcher(TERMS);
        int[] first = m.firstMatches("ein überblick über naïve ansätze");
        assertThat(first[TERMS.indexOf("über*")]).isEqualTo(4);
        assertThat(first[TERMS.indexOf("naïve")]).isEqualTo(19);
        assertThat(first[TERMS.indexOf("in")]).isEqualTo(-1);
    }

    @Test
    void matchesInAnyCaseAtTheTextsOwnIndices() {
        TermMatcher m = new TermMatcher(TERMS);
        String text = "Please REVIEW This Code in C++: Ein ÜBERBLICK, Naïve Design";
        int[] first = m.firstMatches(text);
        assertThat(first[TERMS.indexOf("review this code")]).isEqualTo(text.indexOf("REVIEW"));
        assertThat(first[TERMS.indexOf("c++")]).isEqualTo(text.indexOf("C++"));
        assertThat(first[TERMS.indexOf("über*")]).isEqualTo(text.indexOf("ÜBERBLICK"));
        assertThat(first[TERMS.indexOf("naïve")]).isEqualTo(text.indexOf("Naïve"));
        assertThat(first[TERMS.indexOf("design*")]).isEqualTo(text.indexOf("Design"));
        assertThat(first[TERMS.indexOf("in")]).isEqualTo(text.indexOf(" in ") + 1);
    }

    /** The automaton must agree with the obvious one-indexOf-per-term search on any text. */
    @Test
    void agreesWithAPlainSearchOnRandomTexts() {
        TermMatcher m = new TermMatcher(TERMS);
        String[] pieces = {"review", "code", " ", " ", ", ", "-", "if", "in", "depth", "o(n", "c++", "c#", "first,",
                "node.js", "trade-off", "edge case", "what's", "tl;dr", "design", "a", "b", "c", "abc", "x", "über",
                "naïve", "_", "9", ".", "\n"};
        Random random = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            StringBuilder text = new StringBuilder();
            int parts = random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                String piece = pieces[random.nextInt(pieces.length)];
                text.append(random.nextInt(4) == 0 ? piece.toUpperCase(Locale.ROOT) : piece);
            }
            String s = text.toString();
            int[] first = m.firstMatches(s);
            for (int t = 0; t < TERMS.size(); t++) {
                assertThat(first[t]).as("'%s' in '%s'", TERMS.get(t), s)
                        .isEqualTo(plainSearch(s.toLowerCase(Locale.ROOT), TERMS.get(t)));
            }
        }
    }

    @Test
    void anEmptyTermIsRefused() {
        assertThatThrownBy(() -> new TermMatcher(List.of("ok", "*"))).hasMessageContaining("empty term");
    }

    private static int plainSearch(String lower, String raw) {
        boolean stem = raw.endsWith("*");
        String t = stem ? raw.substring(0, raw.length() - 1) : raw;
        for (int from = 0; ; ) {
            int at = lower.indexOf(t, from);
            if (at < 0) return -1;
            boolean startOk = at == 0 || !TermMatcher.wordChar(lower.charAt(at - 1))
                    || !TermMatcher.wordChar(t.charAt(0));
            int end = at + t.length();
            boolean endOk = stem || end == lower.length() || !TermMatcher.wordChar(lower.charAt(end))
                    || !TermMatcher.wordChar(t.charAt(t.length() - 1));
            if (startOk && endOk) return at;
            from = at + 1;
        }
    }
}
