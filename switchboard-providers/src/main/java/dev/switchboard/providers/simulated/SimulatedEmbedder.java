package dev.switchboard.providers.simulated;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic unit vectors by feature hashing: every word and character trigram of the text adds ±1
 * to a hashed dimension, so texts that share words point the same way (a semantic cache or router can be
 * tried offline), identical texts give identical vectors, and nothing is random between runs.
 */
final class SimulatedEmbedder {
    static final int DEFAULT_DIMENSIONS = 384;
    private static final Pattern WORDS = Pattern.compile("[\\p{L}\\p{N}]+");

    private SimulatedEmbedder() {}

    static float[] embed(String text, int dimensions) {
        double[] v = new double[dimensions];
        String lower = text.toLowerCase(Locale.ROOT);
        Matcher m = WORDS.matcher(lower);
        while (m.find()) {
            String w = m.group();
            add(v, SimulatedResponder.fnv(0xcbf29ce484222325L, "w:" + w), 1.0);
            String padded = " " + w + " ";
            for (int i = 0; i + 3 <= padded.length(); i++) {
                add(v, SimulatedResponder.fnv(0xcbf29ce484222325L, "t:" + padded.substring(i, i + 3)), 0.35);
            }
        }
        double norm = norm(v);
        if (norm == 0) {
            // No words (empty or symbols only): still a unit vector, and still a function of the text.
            SplittableRandom r = new SplittableRandom(SimulatedResponder.fnv(0xcbf29ce484222325L, text));
            for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
            norm = norm(v);
        }
        float[] out = new float[dimensions];
        for (int i = 0; i < dimensions; i++) out[i] = (float) (v[i] / norm);
        return out;
    }

    private static void add(double[] v, long hash, double weight) {
        int index = (int) Long.remainderUnsigned(hash >>> 1, v.length);
        v[index] += (hash & 1) == 0 ? weight : -weight;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
