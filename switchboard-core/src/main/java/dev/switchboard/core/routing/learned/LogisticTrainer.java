package dev.switchboard.core.routing.learned;

import java.util.Arrays;

/**
 * L2-regularised logistic regression on sparse rows with soft targets in [0, 1], fitted by L-BFGS with a
 * backtracking line search. Deterministic: full-batch, no random state.
 *
 * @param l2 penalty on the weights (not the bias): {@code l2/2 · |w|²}
 * @param maxIterations L-BFGS iterations
 */
record LogisticTrainer(double l2, int maxIterations) {
    private static final int MEMORY = 10;

    /** Rows of a sparse design matrix: parallel index and value arrays, indexes below {@code dimension}. */
    record Rows(int dimension, int[][] index, float[][] value) {
        int size() {
            return index.length;
        }
    }

    /** Returns weights with the bias in the last slot. */
    double[] fit(Rows x, double[] target) {
        int d = x.dimension() + 1;
        double[] w = new double[d];
        double[] g = new double[d];
        double f = lossAndGradient(x, target, w, g);
        double[][] s = new double[MEMORY][];
        double[][] y = new double[MEMORY][];
        double[] rho = new double[MEMORY];
        int stored = 0;
        double[] direction = new double[d];
        double[] alpha = new double[MEMORY];
        double[] wNext = new double[d];
        double[] gNext = new double[d];
        for (int iter = 0; iter < maxIterations; iter++) {
            // Two-loop recursion: direction = -H·g.
            System.arraycopy(g, 0, direction, 0, d);
            for (int k = stored - 1; k >= 0; k--) {
                alpha[k] = rho[k] * dot(s[k], direction);
                axpy(-alpha[k], y[k], direction);
            }
            double gamma = stored > 0 ? dot(s[stored - 1], y[stored - 1]) / dot(y[stored - 1], y[stored - 1]) : 1 / Math.max(1e-12, Math.sqrt(dot(g, g)));
            for (int i = 0; i < d; i++) direction[i] *= gamma;
            for (int k = 0; k < stored; k++) {
                double beta = rho[k] * dot(y[k], direction);
                axpy(alpha[k] - beta, s[k], direction);
            }
            for (int i = 0; i < d; i++) direction[i] = -direction[i];
            double slope = dot(g, direction);
            if (slope >= 0) { // not a descent direction: restart from steepest descent
                stored = 0;
                for (int i = 0; i < d; i++) direction[i] = -g[i];
                slope = dot(g, direction);
            }
            double step = 1;
            double fNext;
            while (true) {
                for (int i = 0; i < d; i++) wNext[i] = w[i] + step * direction[i];
                fNext = lossAndGradient(x, target, wNext, gNext);
                if (fNext <= f + 1e-4 * step * slope || step < 1e-10) break;
                step *= 0.5;
            }
            double[] sk = new double[d];
            double[] yk = new double[d];
            for (int i = 0; i < d; i++) {
                sk[i] = wNext[i] - w[i];
                yk[i] = gNext[i] - g[i];
            }
            double sy = dot(sk, yk);
            System.arraycopy(wNext, 0, w, 0, d);
            System.arraycopy(gNext, 0, g, 0, d);
            boolean converged = Math.abs(f - fNext) <= 1e-7 * Math.max(1, Math.abs(f));
            f = fNext;
            if (converged) break;
            if (sy > 1e-12) {
                if (stored == MEMORY) {
                    System.arraycopy(s, 1, s, 0, MEMORY - 1);
                    System.arraycopy(y, 1, y, 0, MEMORY - 1);
                    System.arraycopy(rho, 1, rho, 0, MEMORY - 1);
                    stored--;
                }
                s[stored] = sk;
                y[stored] = yk;
                rho[stored] = 1 / sy;
                stored++;
            }
        }
        return w;
    }

    static double margin(int[] index, float[] value, double[] w) {
        double z = w[w.length - 1];
        for (int k = 0; k < index.length; k++) z += value[k] * w[index[k]];
        return z;
    }

    private double lossAndGradient(Rows x, double[] t, double[] w, double[] g) {
        int bias = w.length - 1;
        Arrays.fill(g, 0);
        double loss = 0;
        for (int r = 0; r < x.size(); r++) {
            int[] idx = x.index()[r];
            float[] val = x.value()[r];
            double z = margin(idx, val, w);
            // log(1 + e^z) - t·z, computed without overflow
            loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t[r] * z;
            double err = 1 / (1 + Math.exp(-z)) - t[r];
            for (int k = 0; k < idx.length; k++) g[idx[k]] += err * val[k];
            g[bias] += err;
        }
        double reg = 0;
        for (int i = 0; i < bias; i++) {
            reg += w[i] * w[i];
            g[i] += l2 * w[i];
        }
        return loss + 0.5 * l2 * reg;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }
}
