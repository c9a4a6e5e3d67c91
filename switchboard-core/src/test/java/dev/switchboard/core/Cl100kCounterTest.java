package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Cl100kCounterTest {
    private static final Encoding JTOKKIT = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final TokenCounter TOKENS = new TokenCounter();
    /** RoutingBenchmark's long prompt: 380 words. */
    private static final String LONG_PROMPT = ("Review this diff for security issues. First, check the input validation; "
            + "then, evaluate the trade-off between caching and consistency. ").repeat(20);

    @Test
    void countsWhatItCountedBefore() {
        assertThat(TOKENS.count("What is a mutex?")).isEqualTo(5);
        assertThat(TOKENS.count("Write the API reference documentation for our REST /users endpoints AND implement the "
                + "OAuth2 Bearer-token middleware in Python FastAPI.")).isEqualTo(25);
        assertThat(TOKENS.count(LONG_PROMPT)).isEqualTo(501);
        assertThat(TOKENS.count("")).isZero();
    }

    @Test
    void agreesWithJtokkitOnProseCodeAndScripts() {
        List<String> texts = List.of(LONG_PROMPT,
                "I'm sure they'll say it's fine; we've seen THEY'RE and You'Ll and I'D and 'tis, but not 'x or 'ſ.",
                "def f(x):\n\treturn x ** 2  # square\n\n\n    \n  print(f(12345678))\r\n\r\n",
                "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 64}",
                "Résumé naïve café — “quotes” and ‘single’ … ½ ² ³ ٣٤٥ 一二三 東京都は日本の首都です。 한국어 텍스트",
                "Emoji 😀👍🏽 and flags 🇩🇪🇫🇷, math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 𐍈 letters", "\u00a0\u2003spaces\u3000and\u2028lines\u0085",
                "   leading spaces", "trailing spaces   ", "\n\n\nnewlines only\n\n", "x" + " ".repeat(40) + "y",
                "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis qwxzjkvbnm",
                "https://example.com/path?query=a%20b&x=1#frag user@example.com C:\\Windows\\System32 ~/.bashrc",
                "=====>>>>>>!!!!!????----____****////", "1234567890 3.14159 -42 1e-9 0xDEADBEEF 1,000,000");
        for (String text : texts) {
            assertThat(TOKENS.count(text)).as(text).isEqualTo(JTOKKIT.countTokensOrdinary(text));
        }
    }

    /** Pieces of 500 bytes or more are jtokkit's own; so is the rest of their text. */
    @Test
    void agreesWithJtokkitOnLongPieces() {
        Random random = new Random(7);
        for (String text : List.of("a".repeat(499), "a".repeat(500), "é".repeat(250), "日".repeat(170), "!".repeat(600),
                " ".repeat(700) + "x", "word " + randomLetters(random, 2_000) + " tail", randomLetters(random, 499))) {
            assertThat(TOKENS.count(text)).as("%d chars", text.length()).isEqualTo(JTOKKIT.countTokensOrdinary(text));
        }
    }

    /** Every code point, in runs and between letters, digits, spaces and line breaks. */
    @Test
    void agreesWithJtokkitOnEveryCodePoint() {
        StringBuilder text = new StringBuilder();
        String[] between = {"", " ", "a", "1", "\n", "'", " '", "\t"};
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (Character.getType(c) == Character.SURROGATE) continue;
            text.appendCodePoint(c).append(between[c % between.length]).appendCodePoint(c);
            if (text.length() >= 4_096) {
                String s = text.toString();
                assertThat(TOKENS.count(s)).as("around U+%04X", c).isEqualTo(JTOKKIT.countTokensOrdinary(s));
                text.setLength(0);
            }
        }
    }

    @Test
    void agreesWithJtokkitOnRandomTexts() {
        String[] pieces = {"the", " The", "THE", " of", "a", "I", "'s", "'S", "'t", "'re", "'RE", "'ve", "'m", "'ll", "'LL",
                "'d", "'", "'ſ", " ", "  ", "\t", "\n", "\r\n", "\n\n", "   \n  ", "\u00a0", "\u3000", "0", "12", "345",
                "6789", "½", "٣", ".", ",", "!?", "...", "(", ")", "{\"", "\"}", "->", "==", "//", "#", "$", "€",
                "é", "ß", "ñ", "naïve", "東京", "日本語", "한국", "😀", "👍🏽", "𝔘", "_", "-", "word", "tokenization",
                "Zyxqj", "xQz", "ﬁ", "İ", "ǅ", "ʰ"};
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(16);
            for (int p = 0; p < parts; p++) text.append(pieces[random.nextInt(pieces.length)]);
            String s = text.toString();
            assertThat(TOKENS.count(s)).as("'%s'", s).isEqualTo(JTOKKIT.countTokensOrdinary(s));
        }
    }

    /**
     * ASCII words of every length around the look-up's seven- and fifteen-byte boundaries, after each kind of character
     * that may or may not start a piece with them, and followed by what may or may not end one.
     */
    @Test
    void agreesWithJtokkitOnAsciiWordsOfEveryLength() {
        Random random = new Random(11);
        String[] before = {"", " ", "  ", "\t", "\n", "(", "'", "_", "1", "é", "\"", "-"};
        String[] after = {"", " ", ".", "'s", "1", "é", "\n", "ing", "日"};
        for (int length = 1; length <= 24; length++) {
            for (int round = 0; round < 200; round++) {
                String word = round % 2 == 0 ? randomLetters(random, length) : commonWord(random, length);
                if (round % 3 == 0) word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                String s = before[random.nextInt(before.length)] + word + after[random.nextInt(after.length)];
                assertThat(TOKENS.count(s)).as("'%s'", s).isEqualTo(JTOKKIT.countTokensOrdinary(s));
            }
        }
    }

    /** Every token of the vocabulary that is text, alone and after a space: each is one look-up's worth. */
    @Test
    void agreesWithJtokkitOnEveryTokenOfTheVocabulary() throws Exception {
        try (var in = Cl100kCounterTest.class.getResourceAsStream("/com/knuddels/jtokkit/cl100k_base.tiktoken");
                var lines = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
            var decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
            int checked = 0;
            for (String line; (line = lines.readLine()) != null; ) {
                byte[] token = java.util.Base64.getDecoder().decode(line.substring(0, line.indexOf(' ')));
                String text;
                try {
                    text = decoder.decode(java.nio.ByteBuffer.wrap(token)).toString();
                } catch (java.nio.charset.CharacterCodingException notText) {
                    continue;
                }
                for (String s : new String[] {text, " " + text + " x"}) {
                    assertThat(TOKENS.count(s)).as("'%s'", s).isEqualTo(JTOKKIT.countTokensOrdinary(s));
                }
                checked++;
            }
            assertThat(checked).isGreaterThan(90_000);
        }
    }

    /** Letters that make up real words more often than random ones: prefixes of a long English word, repeated. */
    private static String commonWord(Random random, int length) {
        String[] stems = {"international", "consistency", "validation", "responsibility", "implementation"};
        String stem = stems[random.nextInt(stems.length)].repeat(3);
        return stem.substring(0, length);
    }

    /** The point of counting here rather than in jtokkit: no new arrays per piece of text. */
    @Test
    void countingAPromptAllocatesNoArrayPerPiece() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TOKENS.count(LONG_PROMPT);
        long before = threads.getCurrentThreadAllocatedBytes();
        int tokens = TOKENS.count(LONG_PROMPT);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated for %d tokens", tokens).isLessThan(1_000);
    }

    private static String randomLetters(Random random, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) s.append((char) ('a' + random.nextInt(26)));
        return s.toString();
    }
}
