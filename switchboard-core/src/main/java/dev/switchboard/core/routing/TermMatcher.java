package dev.switchboard.core.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * Finds, in one pass over a text, where each of many lower-case terms first occurs at word boundaries, ignoring
 * case (each character is lower-cased as it is read, so the text is not copied first): an
 * Aho–Corasick automaton compiled to a dense transition table. The classifier's few hundred terms used to cost one
 * {@code indexOf} scan each, so a 400-word prompt was read some 300 times (RoutingBenchmark, long prompt).
 *
 * <p>A term ending in {@code *} is a stem: it may end inside a word ({@code summar*} matches "summarise"). Otherwise
 * a term must start and end at word boundaries, except where its own first or last character is not a word
 * character ({@code "first,"}, {@code "o(n"}). Hand-written rather than a library: the ones on Maven Central box
 * characters and allocate per match, which is the cost this class exists to remove.
 */
final class TermMatcher {
    private final String[] terms;
    private final boolean[] stem;
    /** Characters that occur in some term, sorted; each gets a column of a row. Others share column 1. */
    private final char[] alphabet;
    private final int[] asciiColumn = new int[128];
    /**
     * The automaton's complete transition function, one row per state: {@code rows[row]} is the index in {@link #ends}
     * of the terms that end in that state, or -1 for none; {@code rows[row + column]} is the next state's row. States
     * are stored as their rows' offsets, so a step is one load with no multiplication: the scan is a chain of
     * dependent loads, and that chain is its cost.
     */
    private final int[] rows;
    /** The terms that end in each state that some term ends in, its suffix states' included. */
    private final int[][] ends;

    TermMatcher(List<String> raw) {
        int n = raw.size();
        terms = new String[n];
        stem = new boolean[n];
        for (int i = 0; i < n; i++) {
            String t = raw.get(i);
            stem[i] = t.endsWith("*");
            terms[i] = stem[i] ? t.substring(0, t.length() - 1) : t;
            if (terms[i].isEmpty()) throw new IllegalArgumentException("empty term: '" + t + "'");
        }
        alphabet = alphabetOf(terms);
        for (int i = 0; i < alphabet.length && alphabet[i] < 128; i++) {
            asciiColumn[alphabet[i]] = i + 2;
            if (alphabet[i] >= 'a' && alphabet[i] <= 'z') asciiColumn[alphabet[i] - 'a' + 'A'] = i + 2;
        }
        for (int c = 0; c < 128; c++) if (asciiColumn[c] == 0) asciiColumn[c] = 1;
        int width = alphabet.length + 2;

        // The trie, then failure links breadth-first, folded into a full transition table.
        List<int[]> trie = new ArrayList<>();
        List<List<Integer>> endsHere = new ArrayList<>();
        trie.add(new int[width]);
        endsHere.add(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            int s = 0;
            for (int k = 0; k < terms[i].length(); k++) {
                int c = column(terms[i].charAt(k));
                if (trie.get(s)[c] == 0) {
                    trie.get(s)[c] = trie.size();
                    trie.add(new int[width]);
                    endsHere.add(new ArrayList<>());
                }
                s = trie.get(s)[c];
            }
            endsHere.get(s).add(i);
        }
        int states = trie.size();
        int[] next = new int[states * width];
        int[][] endsOf = new int[states][];
        int[] fail = new int[states];
        Queue<Integer> queue = new ArrayDeque<>();
        endsOf[0] = new int[0];
        for (int c = 1; c < width; c++) {
            int child = trie.get(0)[c];
            next[c] = child;
            if (child != 0) queue.add(child);
        }
        while (!queue.isEmpty()) {
            int s = queue.remove();
            endsOf[s] = merge(endsHere.get(s), endsOf[fail[s]]);
            for (int c = 1; c < width; c++) {
                int child = trie.get(s)[c];
                if (child != 0) {
                    fail[child] = next[fail[s] * width + c];
                    next[s * width + c] = child;
                    queue.add(child);
                } else {
                    next[s * width + c] = next[fail[s] * width + c];
                }
            }
        }
        // Slot 0 of each row points at the state's terms; transitions become row offsets.
        List<int[]> nonEmpty = new ArrayList<>();
        for (int s = 0; s < states; s++) {
            next[s * width] = endsOf[s].length == 0 ? -1 : nonEmpty.size();
            if (endsOf[s].length > 0) nonEmpty.add(endsOf[s]);
            for (int c = 1; c < width; c++) next[s * width + c] *= width;
        }
        rows = next;
        ends = nonEmpty.toArray(int[][]::new);
    }

    int size() {
        return terms.length;
    }

    String term(int i) {
        return terms[i];
    }

    /**
     * For each term, the index in {@code text} where it first occurs at word boundaries in any case, or -1. Case is
     * folded per character ({@link Character#toLowerCase(char)}), so indices are the text's own.
     */
    int[] firstMatches(String text) {
        int[] first = new int[terms.length];
        Arrays.fill(first, -1);
        int row = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            row = rows[row + column(text.charAt(i))];
            int ending = rows[row];
            if (ending < 0) continue;
            for (int t : ends[ending]) {
                if (first[t] < 0) {
                    int start = i + 1 - terms[t].length();
                    if (atBoundaries(text, t, start, i + 1)) first[t] = start;
                }
            }
        }
        return first;
    }

    private boolean atBoundaries(String text, int t, int start, int end) {
        String term = terms[t];
        boolean startOk = start == 0 || !wordChar(text.charAt(start - 1)) || !wordChar(term.charAt(0));
        return startOk && (stem[t] || end == text.length() || !wordChar(text.charAt(end))
                || !wordChar(term.charAt(term.length() - 1)));
    }

    /**
     * The column of {@code c} lower-cased (upper-case ASCII letters share their lower-case letter's column): 2 and up
     * for the alphabet, 1 for any other character. Column 0 of a row is not a transition.
     */
    private int column(char c) {
        if (c < 128) return asciiColumn[c];
        int at = Arrays.binarySearch(alphabet, Character.toLowerCase(c));
        return at < 0 ? 1 : at + 2;
    }

    static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static char[] alphabetOf(String[] terms) {
        StringBuilder all = new StringBuilder();
        for (String t : terms) all.append(t);
        return all.chars().distinct().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString().toCharArray();
    }

    private static int[] merge(List<Integer> own, int[] inherited) {
        int[] out = new int[own.size() + inherited.length];
        for (int i = 0; i < own.size(); i++) out[i] = own.get(i);
        System.arraycopy(inherited, 0, out, own.size(), inherited.length);
        return out;
    }
}
