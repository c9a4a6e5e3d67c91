package dev.switchboard.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Counts cl100k_base tokens exactly as jtokkit's {@code countTokensOrdinary} does, from the vocabulary jtokkit ships,
 * without allocating per piece of text. jtokkit copies every piece's bytes into a new array and a wrapper to look it
 * up in a map of boxed ranks, which made its count most of classify + route (RoutingBenchmark, a 400-word prompt:
 * 18 of 33 µs, 21 KB per call). Here a piece is looked up in an open-addressing table keyed by its length and first
 * fifteen bytes: a short ASCII word or punctuation straight from its characters, any other piece after its UTF-8
 * bytes are written into one reused buffer.
 *
 * <p>The text is cut into pieces as cl100k's pre-tokenizer regex does, with jtokkit's hand-written scanner's
 * character classes ({@code Cl100kParser}); each piece is one token if the vocabulary has it, else byte-pair merged
 * (lowest rank first, leftmost on a tie). A text with a piece of {@link #LONG_PIECE} bytes or more is counted by
 * jtokkit itself, which merges such pieces in O(n log n) where this merge is quadratic.
 */
final class Cl100kCounter {
    private static final String VOCABULARY = "/com/knuddels/jtokkit/cl100k_base.tiktoken";
    /** Where jtokkit switches to its merge for long pieces. */
    private static final int LONG_PIECE = 500;
    private static final int NONE = Integer.MAX_VALUE;

    /** Token {@code r}'s bytes are {@code bytes[start[r]]} up to {@code bytes[start[r + 1]]}. */
    private final byte[] bytes;
    private final int[] start;
    /**
     * Open addressing with linear probing: each token's {@link #key} (0 in an empty slot), {@link #tail} and rank. Most
     * tokens are fifteen bytes or shorter, so most look-ups compare two longs and read no token bytes.
     */
    private final long[] keys;
    private final long[] tails;
    private final int[] ranks;
    private final int mask;

    /** The vocabulary is read on first use, once per process (about 4 MB of tables). */
    private static final class Shared {
        static final Cl100kCounter INSTANCE = new Cl100kCounter();
    }

    /** jtokkit's own cl100k, loaded only when a text has a long piece. */
    private static final class Jtokkit {
        static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    static Cl100kCounter get() {
        return Shared.INSTANCE;
    }

    private Cl100kCounter() {
        byte[][] tokens = readVocabulary();
        int total = 0;
        for (byte[] t : tokens) total += t.length;
        bytes = new byte[total];
        start = new int[tokens.length + 1];
        keys = new long[Integer.highestOneBit(tokens.length * 2) * 2];
        tails = new long[keys.length];
        ranks = new int[keys.length];
        mask = keys.length - 1;
        for (int rank = 0, at = 0; rank < tokens.length; rank++) {
            byte[] token = tokens[rank];
            start[rank] = at;
            System.arraycopy(token, 0, bytes, at, token.length);
            at += token.length;
            start[rank + 1] = at;
            long key = key(token, 0, token.length);
            long tail = tail(token, 0, token.length);
            int slot = slot(key, tail, token, 0, token.length);
            while (keys[slot] != 0) slot = (slot + 1) & mask;
            keys[slot] = key;
            tails[slot] = tail;
            ranks[slot] = rank;
        }
    }

    private static byte[][] readVocabulary() {
        try (InputStream in = Encoding.class.getResourceAsStream(VOCABULARY)) {
            if (in == null) throw new IllegalStateException("jtokkit's " + VOCABULARY + " is not on the class path");
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8));
            List<byte[]> tokens = new ArrayList<>();
            for (String line; (line = reader.readLine()) != null; ) {
                int space = line.indexOf(' ');
                if (Integer.parseInt(line, space + 1, line.length(), 10) != tokens.size()) {
                    throw new IllegalStateException(VOCABULARY + " is not in rank order at line " + (tokens.size() + 1));
                }
                tokens.add(Base64.getDecoder().decode(line.substring(0, space)));
            }
            return tokens.toArray(byte[][]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int count(String text) {
        byte[] piece = new byte[64];
        int[] merge = null;
        int tokens = 0;
        int n = text.length();
        for (int from = 0; from < n; ) {
            int end = asciiWordToken(text, from);
            if (end < 0) end = asciiPunctuationToken(text, from);
            if (end > 0) { // most pieces: found with no copy into bytes
                tokens++;
                from = end;
                continue;
            }
            int to = pieceEnd(text, from);
            if (to - from >= LONG_PIECE) return Jtokkit.CL100K.countTokensOrdinary(text); // bytes >= chars
            if (piece.length < 3 * (to - from)) piece = new byte[3 * (to - from)];
            int length = utf8(text, from, to, piece);
            if (length >= LONG_PIECE) return Jtokkit.CL100K.countTokensOrdinary(text);
            if (rank(piece, 0, length) != NONE) {
                tokens++;
            } else {
                if (merge == null || merge.length < 2 * (length + 1)) merge = new int[2 * (length + 1)];
                tokens += mergedCount(piece, length, merge);
            }
            from = to;
        }
        return tokens;
    }

    /** Writes {@code text[from, to)} as UTF-8 and returns its length; a lone surrogate takes three bytes, as in jtokkit. */
    private static int utf8(String text, int from, int to, byte[] out) {
        int length = 0;
        for (int i = from; i < to; i++) {
            int c = codePointAt(text, i);
            if (c < 0x80) {
                out[length++] = (byte) c;
            } else if (c < 0x800) {
                out[length++] = (byte) (0xc0 | (c >> 6));
                out[length++] = (byte) (0x80 | (c & 0x3f));
            } else if (c < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
                out[length++] = (byte) (0xe0 | (c >> 12));
                out[length++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                out[length++] = (byte) (0x80 | (c & 0x3f));
            } else {
                out[length++] = (byte) (0xf0 | (c >> 18));
                out[length++] = (byte) (0x80 | ((c >> 12) & 0x3f));
                out[length++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                out[length++] = (byte) (0x80 | (c & 0x3f));
                i++;
            }
        }
        return length;
    }

    /**
     * How many tokens byte-pair merging leaves of a piece that is not one token. {@code parts} holds the parts' starts
     * in {@code [0, n]} and the rank of each part joined with the next in {@code [n + 1, 2n + 1]}.
     */
    private int mergedCount(byte[] piece, int length, int[] parts) {
        int n = length;
        int pair = n + 1;
        for (int i = 0; i <= n; i++) parts[i] = i;
        for (int i = 0; i < n; i++) parts[pair + i] = i + 2 <= length ? rank(piece, i, i + 2) : NONE;
        while (n > 2) {
            int best = -1;
            int bestRank = NONE;
            for (int i = 0; i < n - 1; i++) {
                if (parts[pair + i] < bestRank) {
                    bestRank = parts[pair + i];
                    best = i;
                }
            }
            if (best < 0) break;
            // Join parts best and best + 1: drop the second's start and its pair's rank, then re-rank the neighbours.
            System.arraycopy(parts, best + 2, parts, best + 1, n - best - 1);
            System.arraycopy(parts, pair + best + 2, parts, pair + best + 1, n - best - 2);
            n--;
            parts[pair + best] = best + 2 <= n ? rank(piece, parts[best], parts[best + 2]) : NONE;
            if (best > 0) parts[pair + best - 1] = rank(piece, parts[best - 1], parts[best + 1]);
        }
        return n;
    }

    /** The rank of the token {@code piece[from, to)}, or {@link #NONE}. */
    private int rank(byte[] piece, int from, int to) {
        long key = key(piece, from, to);
        long tail = tail(piece, from, to);
        for (int slot = slot(key, tail, piece, from, to); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == 0) return NONE;
            if (k == key && tails[slot] == tail) {
                int r = ranks[slot];
                if (to - from <= 15 || Arrays.equals(bytes, start[r] + 15, start[r + 1], piece, from + 15, to)) return r;
            }
        }
    }

    /**
     * Where the piece at {@code from} ends if it is the most common kind and one token, else -1 (the general path
     * takes it): at most fifteen ASCII letters after at most one other ASCII character ({@code " word"},
     * {@code "(word"}, {@code "Word"}). Its {@link #key} and {@link #tail} are built as its characters are read (an ASCII
     * character is its own byte): it is scanned once and never copied. Small enough for the compiler to inline into
     * {@link #count}, which halves its cost.
     */
    private int asciiWordToken(String text, int from) {
        int n = text.length();
        char c = text.charAt(from);
        if (!isAsciiLetter(c)) {
            // [^\r\n\p{L}\p{N}] before the letters; an apostrophe may start a contraction instead.
            if (c >= 0x80 || c == '\'' || c == '\r' || c == '\n' || isAsciiDigit(c)) return -1;
            if (from + 1 >= n || !isAsciiLetter(text.charAt(from + 1))) return -1;
        }
        long key = c;
        long tail = 0;
        int end = from + 1;
        for (int limit = Math.min(n, from + 16); end < limit; end++) {
            char d = text.charAt(end);
            if (!isAsciiLetter(d)) {
                if (d >= 0x80) return -1; // the word may go on with a non-ASCII letter
                break;
            }
            int at = end - from;
            if (at < 7) key |= (long) d << (8 * at);
            else tail |= (long) d << (8 * (at - 7));
        }
        int length = end - from;
        return length <= 15 && isToken(key | (long) length << 56, tail) ? end : -1;
    }

    /**
     * As {@link #asciiWordToken}, for ASCII punctuation after at most one space, with any line breaks after it
     * ({@code "."}, {@code " ("}, {@code ";\n"}).
     */
    private int asciiPunctuationToken(String text, int from) {
        int n = text.length();
        char c = text.charAt(from);
        char next = from + 1 < n ? text.charAt(from + 1) : ' ';
        // A letter after it makes a word of it ("(word"), which comes first; an apostrophe may start a contraction.
        if (c == '\'' || next >= 0x80 || isAsciiLetter(next)) return -1;
        if (!isAsciiPunctuation(c) && !(c == ' ' && isAsciiPunctuation(next))) return -1;
        int end = from + 1;
        int limit = Math.min(n, from + 16);
        while (end < limit && isAsciiPunctuation(text.charAt(end))) end++;
        if (end < n && text.charAt(end) >= 0x80) return -1; // non-ASCII punctuation may go on
        while (end < limit && isNewline(text.charAt(end))) end++;
        int length = end - from;
        if (length > 15) return -1;
        long key = (long) length << 56;
        long tail = 0;
        for (int i = 0; i < length; i++) {
            if (i < 7) key |= (long) text.charAt(from + i) << (8 * i);
            else tail |= (long) text.charAt(from + i) << (8 * (i - 7));
        }
        return isToken(key, tail) ? end : -1;
    }

    /** Whether the table holds a token of at most fifteen bytes with this {@link #key} and {@link #tail}. */
    private boolean isToken(long key, long tail) {
        for (int slot = (int) (mix(key, tail) >>> 40) & mask; ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == 0) return false;
            if (k == key && tails[slot] == tail) return true;
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@link #isPunctuation} of an ASCII character; false for any other. */
    private static boolean isAsciiPunctuation(char c) {
        return c < 0x80 && !isAsciiLetter(c) && !isAsciiDigit(c) && c != ' ' && (c < '\t' || c > '\r');
    }

    /** A piece's length and its first seven bytes: the whole piece when it is seven bytes or shorter. */
    private static long key(byte[] b, int from, int to) {
        long key = (long) (to - from) << 56;
        for (int i = 0, n = Math.min(7, to - from); i < n; i++) key |= (b[from + i] & 0xffL) << (8 * i);
        return key;
    }

    /** A piece's eighth to fifteenth bytes, 0 where it has none. */
    private static long tail(byte[] b, int from, int to) {
        long tail = 0;
        for (int i = 7, n = Math.min(15, to - from); i < n; i++) tail |= (b[from + i] & 0xffL) << (8 * (i - 7));
        return tail;
    }

    /** Where a piece's probe starts: its key, tail and bytes after the fifteenth, hashed. */
    private int slot(long key, long tail, byte[] b, int from, int to) {
        long h = mix(key, tail);
        for (int i = from + 15; i < to; i++) h = (h ^ b[i]) * 0x9e3779b97f4a7c15L;
        return (int) (h >>> 40) & mask;
    }

    /** Two independent multiplications rather than one per byte after the seventh, a chain that was most of a look-up. */
    private static long mix(long key, long tail) {
        return key * 0x9e3779b97f4a7c15L + tail * 0xc2b2ae3d27d4eb4fL;
    }

    /**
     * Where the piece starting at {@code i} ends: the first of cl100k's alternatives that matches there,
     * {@code '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+}.
     */
    private static int pieceEnd(String text, int i) {
        int n = text.length();
        int c0 = codePointAt(text, i);
        int next = i + Character.charCount(c0);
        int c1 = next < n ? codePointAt(text, next) : -1;
        if (c0 == '\'' && c1 > 0) {
            if ("sdtmSDTMſ".indexOf(c1) >= 0) return i + 2;
            if (i + 2 < n && longContraction(c1, codePointAt(text, i + 2))) return i + 3;
        }
        if (isLetter(c0) || (notNewlineLetterOrNumber(c0) && isLetter(c1))) {
            int end = next;
            while (end < n && isLetter(c0 = codePointAt(text, end))) end += Character.charCount(c0);
            return end;
        }
        if (isNumber(c0)) {
            int end = next;
            for (int digits = 1; digits < 3 && end < n && isNumber(c0 = codePointAt(text, end)); digits++) {
                end += Character.charCount(c0);
            }
            return end;
        }
        if (isPunctuation(c0) || (c0 == ' ' && isPunctuation(c1))) {
            int end = next;
            while (end < n && isPunctuation(c0 = codePointAt(text, end))) end += Character.charCount(c0);
            while (end < n && isNewline(text.charAt(end))) end++;
            return end;
        }
        // Whitespace: up to its last line break if it has one; else all of it but the last character when
        // something follows, which then starts the next piece (" word").
        int end = i;
        int lastNewline = -1;
        while (end < n && isWhitespace(c0 = codePointAt(text, end))) {
            if (isNewline(c0)) lastNewline = end;
            end += Character.charCount(c0);
        }
        if (lastNewline >= 0) return lastNewline + 1;
        return end < n && end - i > 1 ? end - 1 : end;
    }

    /** {@link String#codePointAt}, with its common case (no surrogate) small enough for the compiler to inline. */
    private static int codePointAt(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c) ? text.codePointAt(i) : c;
    }

    private static boolean longContraction(int c1, int c2) {
        int u1 = Character.toUpperCase(c1);
        int u2 = Character.toUpperCase(c2);
        return (u1 == 'L' && u2 == 'L') || (u1 == 'V' && u2 == 'E') || (u1 == 'R' && u2 == 'E');
    }

    private static boolean isLetter(int c) {
        if (c < 0xaa) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (c > 0x323af) return false;
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> true;
            default -> false;
        };
    }

    private static boolean isNumber(int c) {
        if (c < 0xb2) return c >= '0' && c <= '9';
        if (c > 0x1fbf9) return false;
        return switch (Character.getType(c)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /** {@code [\p{L}\p{N}]}: {@link #isLetter} or {@link #isNumber}, in one look-up of the character's type. */
    private static boolean isLetterOrNumber(int c) {
        if (c < 0xaa) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (c > 0x323af) return false;
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    private static boolean isWhitespace(int c) {
        if (c <= '\r') return c >= '\t';
        if (c < 0x85) return c == ' ';
        return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029
                || c == 0x202f || c == 0x205f || c == 0x3000;
    }

    private static boolean isNewline(int c) {
        return c == '\r' || c == '\n';
    }

    /** {@code [^\s\p{L}\p{N}]}; -1 (no character) is none. */
    private static boolean isPunctuation(int c) {
        return c >= 0 && !isWhitespace(c) && !isLetterOrNumber(c);
    }

    /** {@code [^\r\n\p{L}\p{N}]}; -1 (no character) is none. */
    private static boolean notNewlineLetterOrNumber(int c) {
        return c >= 0 && !isNewline(c) && !isLetterOrNumber(c);
    }
}
