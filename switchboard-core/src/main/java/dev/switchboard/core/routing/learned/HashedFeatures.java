package dev.switchboard.core.routing.learned;

import java.util.Arrays;
import java.util.Locale;

/**
 * Turns a prompt into a sparse vector of hashed n-gram counts, so a trained model holds only bucket weights,
 * never the words it was trained on. Text is lower-cased, runs of whitespace collapse to one space and every
 * digit becomes {@code 0} (the shape of a number generalises; its value does not).
 *
 * @param bits the vector has {@code 2^bits} buckets
 * @param words word unigrams
 * @param wordBigrams adjacent word pairs
 * @param charMin shortest character n-gram (0 = no character n-grams)
 * @param charMax longest character n-gram
 */
public record HashedFeatures(int bits, boolean words, boolean wordBigrams, int charMin, int charMax) {

    public HashedFeatures {
        if (bits < 8 || bits > 24) throw new IllegalArgumentException("bits must be 8..24");
        if (charMin < 0 || charMax < charMin) throw new IllegalArgumentException("bad char n-gram range");
    }

    public int dimension() {
        return 1 << bits;
    }

    /** Sorted distinct bucket indexes with their raw counts. */
    public record Counts(int[] index, float[] count) {}

    public Counts count(String prompt) {
        String text = normalise(prompt);
        int mask = dimension() - 1;
        int[] buf = new int[64];
        int n = 0;
        if (words || wordBigrams) {
            int prev = 0;
            boolean havePrev = false;
            int i = 0;
            int len = text.length();
            while (i < len) {
                char c = text.charAt(i);
                if (c == ' ') {
                    i++;
                    continue;
                }
                int start = i;
                if (Character.isLetterOrDigit(c)) {
                    while (i < len && Character.isLetterOrDigit(text.charAt(i))) i++;
                } else {
                    i++;
                }
                int h = hash(0x9747b28c, text, start, i);
                if (words) {
                    if (n == buf.length) buf = Arrays.copyOf(buf, n * 2);
                    buf[n++] = h & mask;
                }
                if (wordBigrams && havePrev) {
                    if (n == buf.length) buf = Arrays.copyOf(buf, n * 2);
                    buf[n++] = fmix(prev * 0x1b873593 ^ h ^ 0x5bd1e995) & mask;
                }
                prev = h;
                havePrev = true;
            }
        }
        if (charMin > 0) {
            String padded = " " + text + " ";
            for (int k = charMin; k <= charMax; k++) {
                int seed = 0x3c6ef372 + k;
                for (int s = 0; s + k <= padded.length(); s++) {
                    if (n == buf.length) buf = Arrays.copyOf(buf, n * 2);
                    buf[n++] = hash(seed, padded, s, s + k) & mask;
                }
            }
        }
        Arrays.sort(buf, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) if (i == 0 || buf[i] != buf[i - 1]) distinct++;
        int[] index = new int[distinct];
        float[] count = new float[distinct];
        int j = -1;
        for (int i = 0; i < n; i++) {
            if (i == 0 || buf[i] != buf[i - 1]) index[++j] = buf[i];
            count[j]++;
        }
        return new Counts(index, count);
    }

    static String normalise(String prompt) {
        StringBuilder sb = new StringBuilder(prompt.length());
        boolean space = true;
        for (int i = 0; i < prompt.length(); i++) {
            char c = prompt.charAt(i);
            if (Character.isWhitespace(c)) {
                if (!space) sb.append(' ');
                space = true;
                continue;
            }
            space = false;
            sb.append(Character.isDigit(c) ? '0' : c);
        }
        int end = sb.length();
        if (end > 0 && sb.charAt(end - 1) == ' ') sb.setLength(end - 1);
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** MurmurHash3 (x86, 32-bit) over the UTF-16 code units of {@code s[from, to)}. */
    static int hash(int seed, CharSequence s, int from, int to) {
        int h = seed;
        for (int i = from; i < to; i++) {
            int k = s.charAt(i) * 0xcc9e2d51;
            k = Integer.rotateLeft(k, 15) * 0x1b873593;
            h ^= k;
            h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
        }
        return fmix(h ^ (to - from));
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
