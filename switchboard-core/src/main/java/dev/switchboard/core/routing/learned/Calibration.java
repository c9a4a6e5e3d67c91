package dev.switchboard.core.routing.learned;

import java.util.Arrays;

/**
 * Turns a wanted share of strong-model calls into a score threshold, as RouteLLM's {@code calibrate_threshold}
 * does: the threshold is the {@code (1 - share)} quantile of the router's scores on a sample of prompts, so about
 * {@code share} of prompts like the sample score at or above it.
 */
public final class Calibration {
    private Calibration() {}

    /**
     * @param sample scores of a sample of prompts (any order)
     * @param strongShare wanted share of strong calls, in [0, 1]
     */
    public static double threshold(double[] sample, double strongShare) {
        if (sample.length == 0) throw new IllegalArgumentException("empty calibration sample");
        if (!(strongShare >= 0 && strongShare <= 1)) throw new IllegalArgumentException("strong share must be in [0, 1]");
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        if (strongShare == 0) return Math.nextUp(sorted[sorted.length - 1]);
        return RoutingMetrics.percentile(sorted, 1 - strongShare);
    }

    public static double threshold(float[] sample, double strongShare) {
        double[] d = new double[sample.length];
        for (int i = 0; i < d.length; i++) d[i] = sample[i];
        return threshold(d, strongShare);
    }

    /** Share of {@code scores} at or above {@code threshold}: the strong share a threshold gives on a sample. */
    public static double strongShare(double[] scores, double threshold) {
        int n = 0;
        for (double s : scores) if (s >= threshold) n++;
        return (double) n / scores.length;
    }
}
