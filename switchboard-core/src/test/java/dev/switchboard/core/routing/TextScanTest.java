package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each hand-written scan against the pattern it stands for, on random text made of the pieces that matter to it. */
class TextScanTest {
    private static final String[] PIECES = {" ", "  ", "\t", "\n", "\n\n", "\r\n", "\u000B", "\f", "\u00A0", ",", ";",
            ".", "!", "?", "and", "AND", "And", "aNd", "also", "then", "THEN", "as well as", "additionally", "plus", "&",
            "and also", "and then", "andy", "thenx", "alsO", "x", "Write", "é", "_", "1", "as well", "and  also",
            "Example", "STEP", "your ", " one", "y", "ou", "\u212A", "\u0130"};
    private static final int SAMPLES = 20_000;

    @Test
    void conjunctionsMatchWhatTheirPatternMatches() {
        Pattern pattern = Pattern.compile(TextScan.Conjunctions.PATTERN, Pattern.CASE_INSENSITIVE);
        Random random = new Random(11);
        for (int n = 0; n < SAMPLES; n++) {
            String text = randomText(random);
            List<String> expected = new ArrayList<>();
            for (Matcher m = pattern.matcher(text); m.find(); ) {
                expected.add(m.start() + "-" + m.end() + ":" + (m.group(1) != null ? m.group(1) : m.group(2)));
            }
            List<String> actual = new ArrayList<>();
            for (TextScan.Conjunctions c = new TextScan.Conjunctions(text); c.find(); ) {
                actual.add(c.start + "-" + c.end + ":" + c.marker());
            }
            assertThat(actual).as("in %s", text).isEqualTo(expected);
        }
    }

    @Test
    void sentenceEndsMatchWhatTheirPatternMatches() {
        Pattern pattern = Pattern.compile("(?<=[.!?])\\s+(?=\\S)|\\n+");
        Random random = new Random(12);
        for (int n = 0; n < SAMPLES; n++) {
            String text = randomText(random);
            List<String> expected = new ArrayList<>();
            for (Matcher m = pattern.matcher(text); m.find(); ) expected.add(m.start() + "-" + m.end());
            List<String> actual = new ArrayList<>();
            for (TextScan.SentenceEnds s = new TextScan.SentenceEnds(text); s.find(); ) actual.add(s.start + "-" + s.end);
            assertThat(actual).as("in %s", text).isEqualTo(expected);
        }
    }

    @Test
    void wordSplitsAndCountsAreThoseOfStringSplit() {
        Random random = new Random(13);
        for (int n = 0; n < SAMPLES; n++) {
            String text = randomText(random);
            assertThat(TextScan.splitOnWhitespace(text)).as("in %s", text).containsExactly(text.split("\\s+"));
            String stripped = text.strip();
            assertThat(TextScan.countWords(stripped)).as("in %s", stripped).isEqualTo(stripped.split("\\s+").length);
        }
    }

    @Test
    void needlesAreFoundIgnoringAsciiCaseOnly() {
        TextScan.Needles needles = new TextScan.Needles("exampl", "step", "your ", " one");
        Random random = new Random(14);
        for (int n = 0; n < SAMPLES; n++) {
            String text = randomText(random);
            StringBuilder folded = new StringBuilder();
            for (char c : text.toCharArray()) folded.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
            boolean expected = List.of("exampl", "step", "your ", " one").stream().anyMatch(folded.toString()::contains);
            assertThat(needles.in(text)).as("in %s", text).isEqualTo(expected);
        }
        assertThat(needles.in("Give three EXAMPLES")).isTrue();
        assertThat(needles.in("which ONE")).isTrue();
        assertThat(needles.in("someone")).isFalse();
    }

    @Test
    void aLeadingWordIsTheRunOfWordCharactersInAsciiLowerCase() {
        assertThat(TextScan.leadingWord("Please, write", 0)).isEqualTo("please");
        assertThat(TextScan.leadingWord("I'd like", 0)).isEqualTo("i");
        assertThat(TextScan.leadingWord("and_then x", 0)).isEqualTo("and_then");
        assertThat(TextScan.leadingWord("x  AND y", 3)).isEqualTo("and");
        assertThat(TextScan.leadingWord(" and", 0)).isEmpty();
        assertThat(TextScan.leadingWord("\u0130f", 0)).isEqualTo("\u0130f"); // no Unicode case folding, as the patterns
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(12);
        for (int i = 0; i < pieces; i++) text.append(PIECES[random.nextInt(PIECES.length)]);
        return text.toString();
    }
}
