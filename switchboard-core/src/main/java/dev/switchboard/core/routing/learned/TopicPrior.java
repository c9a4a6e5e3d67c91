package dev.switchboard.core.routing.learned;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * How much the strong model pays off for prompts on the same topic. Topics are the training set's subject
 * labels, kept only as anonymous indexes: a one-vs-rest logistic classifier per topic over hashed TF-IDF, and the
 * rate at which the strong model was needed on that topic. A prompt's prior is the rate averaged over topics,
 * weighted by the normalised classifier outputs. Topic labels pool far more evidence per topic than the noisy
 * per-prompt "strong needed" labels, which is what lets this generalise to unseen prompts.
 */
record TopicPrior(HashedFeatures features, float[] idf, float[][] weights, float[] biases, float[] rates) {

    /** Log-odds of the topic-weighted rate. */
    double logit(String prompt) {
        if (rates.length == 0) return 0;
        HashedFeatures.Counts counts = features.count(prompt);
        int[] index = counts.index();
        double[] v = new double[index.length];
        double norm = 0;
        for (int i = 0; i < index.length; i++) {
            v[i] = (1 + Math.log(counts.count()[i])) * idf[index[i]];
            norm += v[i] * v[i];
        }
        if (norm == 0) return logit(mean(rates));
        double inv = 1 / Math.sqrt(norm);
        double z = 0;
        double rate = 0;
        for (int t = 0; t < rates.length; t++) {
            float[] w = weights[t];
            double dot = biases[t];
            for (int i = 0; i < index.length; i++) dot += v[i] * inv * w[index[i]];
            double p = 1 / (1 + Math.exp(-dot));
            z += p;
            rate += p * rates[t];
        }
        return logit(rate / z);
    }

    private static double logit(double p) {
        double q = Math.min(1 - 1e-4, Math.max(1e-4, p));
        return Math.log(q / (1 - q));
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float x : a) s += x;
        return s / a.length;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(features.bits());
        out.writeBoolean(features.words());
        out.writeBoolean(features.wordBigrams());
        out.writeInt(features.charMin());
        out.writeInt(features.charMax());
        LearnedRouterModel.writeHalf(out, idf);
        out.writeInt(rates.length);
        for (int t = 0; t < rates.length; t++) {
            out.writeFloat(rates[t]);
            out.writeFloat(biases[t]);
            LearnedRouterModel.writeHalf(out, weights[t]);
        }
    }

    static TopicPrior read(DataInputStream in) throws IOException {
        HashedFeatures f = new HashedFeatures(in.readInt(), in.readBoolean(), in.readBoolean(), in.readInt(), in.readInt());
        float[] idf = LearnedRouterModel.readHalf(in, f.dimension());
        int k = in.readInt();
        float[] rates = new float[k];
        float[] biases = new float[k];
        float[][] weights = new float[k][];
        for (int t = 0; t < k; t++) {
            rates[t] = in.readFloat();
            biases[t] = in.readFloat();
            weights[t] = LearnedRouterModel.readHalf(in, f.dimension());
        }
        return new TopicPrior(f, idf, weights, biases, rates);
    }
}
