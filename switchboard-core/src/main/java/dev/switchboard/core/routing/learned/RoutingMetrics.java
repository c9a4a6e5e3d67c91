package dev.switchboard.core.routing.learned;

import java.util.Arrays;
import java.util.Optional;

/**
 * RouteLLM's router quality metrics for one benchmark, computed as {@code data/routing/score.py} computes them:
 * 11 thresholds at the linear-interpolation quantiles 0, 0.1, …, 1 of the scores; an item goes to the strong
 * model when {@code score >= t} ({@code >} for the last threshold); APGR is the trapezoid area under the
 * PGR-versus-strong-share curve; CPT(x) the first strong share at which PGR reaches x.
 *
 * @param weakAccuracy accuracy (%) of always-weak
 * @param strongAccuracy accuracy (%) of always-strong
 * @param cpt50 % strong calls needed for PGR 0.5, if reached
 * @param cpt80 % strong calls needed for PGR 0.8, if reached
 */
public record RoutingMetrics(int n, double weakAccuracy, double strongAccuracy, double apgr, Optional<Double> cpt50,
        Optional<Double> cpt80) {

    private static final int BINS = 10;

    public static RoutingMetrics of(double[] score, boolean[] weakCorrect, boolean[] strongCorrect) {
        int n = score.length;
        double[] sorted = score.clone();
        Arrays.sort(sorted);
        double[] pct = new double[BINS + 1];
        double[] acc = new double[BINS + 1];
        int weak = 0;
        int strong = 0;
        for (int i = 0; i < n; i++) {
            if (weakCorrect[i]) weak++;
            if (strongCorrect[i]) strong++;
        }
        for (int b = 0; b <= BINS; b++) {
            double t = percentile(sorted, (double) b / BINS);
            int toStrong = 0;
            int correct = 0;
            for (int i = 0; i < n; i++) {
                boolean s = b < BINS ? score[i] >= t : score[i] > t;
                if (s) toStrong++;
                if (s ? strongCorrect[i] : weakCorrect[i]) correct++;
            }
            // thresholds rise with b, so reversing gives ascending strong share
            pct[BINS - b] = 100.0 * toStrong / n;
            acc[BINS - b] = 100.0 * correct / n;
        }
        double w = 100.0 * weak / n;
        double s = 100.0 * strong / n;
        double auc = 0;
        for (int k = 1; k <= BINS; k++) auc += (pct[k] - pct[k - 1]) / 100.0 * (acc[k] + acc[k - 1]) / 2;
        double span = (pct[BINS] - pct[0]) / 100.0;
        double apgr = (auc - w * span) / ((s - w) * span);
        return new RoutingMetrics(n, w, s, apgr, firstCrossing(pct, acc, w + 0.5 * (s - w)),
                firstCrossing(pct, acc, w + 0.8 * (s - w)));
    }

    /** numpy's {@code percentile(..., method="linear")} on sorted values, {@code p} in [0, 1]. */
    static double percentile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo >= sorted.length - 1) return sorted[sorted.length - 1];
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    private static Optional<Double> firstCrossing(double[] x, double[] y, double target) {
        if (y[0] >= target) return Optional.of(x[0]);
        for (int k = 1; k < x.length; k++) {
            if (y[k] >= target) {
                if (y[k] == y[k - 1]) return Optional.of(x[k]);
                return Optional.of(x[k - 1] + (target - y[k - 1]) * (x[k] - x[k - 1]) / (y[k] - y[k - 1]));
            }
        }
        return Optional.empty();
    }
}
