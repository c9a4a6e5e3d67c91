package dev.switchboard.core.routing.learned;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A trained strong/weak scorer: logistic regression over TF-IDF weighted hashed n-gram blocks (each block
 * L2-normalised on its own) plus standardised {@link PromptCues}, added in logit space to a {@link TopicPrior}
 * (how often the strong model paid off on prompts of the same topic). It holds bucket weights, IDF values and
 * topic centroids only, no text. The score is the predicted probability that the prompt needs the strong model.
 *
 * <p>Also carries the sorted scores of its cross-validation sample, from which {@link Calibration} turns a
 * wanted share of strong calls into a threshold.
 *
 * <p>Artifact: gzip of a big-endian stream — magic, version, blocks (spec, IDF and weights as float16), cue
 * statistics and weights, bias, calibration scores.
 */
public final class LearnedRouterModel {
    /** Where the trained artifact ships on the class path. */
    public static final String RESOURCE = "/dev/switchboard/routing/learned-router.bin";

    private static final int MAGIC = 0x53424c52; // "SBLR"
    private static final int VERSION = 1;

    private final List<HashedFeatures> blocks;
    private final float[][] idf;
    private final float[][] weights;
    private final float[] cueMean;
    private final float[] cueScale;
    private final float[] cueWeights;
    private final float bias;
    private final TopicPrior topics;
    private final float topicWeight;
    private final float[] calibrationScores;

    LearnedRouterModel(List<HashedFeatures> blocks, float[][] idf, float[][] weights, float[] cueMean,
            float[] cueScale, float[] cueWeights, float bias, TopicPrior topics, float topicWeight,
            float[] calibrationScores) {
        this.blocks = List.copyOf(blocks);
        this.idf = idf;
        this.weights = weights;
        this.cueMean = cueMean;
        this.cueScale = cueScale;
        this.cueWeights = cueWeights;
        this.bias = bias;
        this.topics = topics;
        this.topicWeight = topicWeight;
        this.calibrationScores = calibrationScores.clone();
        Arrays.sort(this.calibrationScores);
    }

    /** The model that ships with Switchboard. */
    public static LearnedRouterModel bundled() {
        try (InputStream in = LearnedRouterModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing");
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LearnedRouterModel read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Probability in (0, 1) that {@code prompt} needs the strong model; higher = more. */
    public double score(String prompt) {
        return 1 / (1 + Math.exp(-(linearMargin(prompt) + topicWeight * topics.logit(prompt))));
    }

    /** The logistic regression's margin alone, without the topic prior. */
    double linearMargin(String prompt) {
        double z = bias;
        for (int b = 0; b < blocks.size(); b++) {
            HashedFeatures.Counts counts = blocks.get(b).count(prompt);
            float[] blockIdf = idf[b];
            float[] w = weights[b];
            double norm = 0;
            double dot = 0;
            for (int i = 0; i < counts.index().length; i++) {
                int j = counts.index()[i];
                double v = (1 + Math.log(counts.count()[i])) * blockIdf[j];
                norm += v * v;
                dot += v * w[j];
            }
            if (norm > 0) z += dot / Math.sqrt(norm);
        }
        float[] cues = PromptCues.of(prompt);
        for (int c = 0; c < cues.length; c++) z += (cues[c] - cueMean[c]) / cueScale[c] * cueWeights[c];
        return z;
    }

    TopicPrior topics() {
        return topics;
    }

    LearnedRouterModel withTopicWeight(float weight) {
        return new LearnedRouterModel(blocks, idf, weights, cueMean, cueScale, cueWeights, bias, topics, weight,
                calibrationScores);
    }

    LearnedRouterModel withCalibration(float[] scores) {
        return new LearnedRouterModel(blocks, idf, weights, cueMean, cueScale, cueWeights, bias, topics, topicWeight,
                scores);
    }

    /** Sorted scores of the calibration sample (out-of-fold scores of the training prompts). */
    public float[] calibrationScores() {
        return calibrationScores.clone();
    }

    public List<HashedFeatures> blocks() {
        return blocks;
    }

    public void write(OutputStream target) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(target, 1 << 16);
        DataOutputStream out = new DataOutputStream(gz);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(blocks.size());
        for (int b = 0; b < blocks.size(); b++) {
            HashedFeatures f = blocks.get(b);
            out.writeInt(f.bits());
            out.writeBoolean(f.words());
            out.writeBoolean(f.wordBigrams());
            out.writeInt(f.charMin());
            out.writeInt(f.charMax());
            writeHalf(out, idf[b]);
            writeHalf(out, weights[b]);
        }
        writeFloats(out, cueMean);
        writeFloats(out, cueScale);
        writeFloats(out, cueWeights);
        out.writeFloat(bias);
        topics.write(out);
        out.writeFloat(topicWeight);
        writeFloats(out, calibrationScores);
        out.flush();
        gz.finish();
    }

    public void write(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LearnedRouterModel read(InputStream source) throws IOException {
        DataInputStream in = new DataInputStream(new GZIPInputStream(source, 1 << 16));
        if (in.readInt() != MAGIC) throw new IOException("not a learned router artifact");
        int version = in.readInt();
        if (version != VERSION) throw new IOException("unsupported learned router artifact version " + version);
        int count = in.readInt();
        List<HashedFeatures> blocks = new ArrayList<>();
        float[][] idf = new float[count][];
        float[][] weights = new float[count][];
        for (int b = 0; b < count; b++) {
            HashedFeatures f = new HashedFeatures(in.readInt(), in.readBoolean(), in.readBoolean(), in.readInt(),
                    in.readInt());
            blocks.add(f);
            idf[b] = readHalf(in, f.dimension());
            weights[b] = readHalf(in, f.dimension());
        }
        float[] cueMean = readFloats(in);
        float[] cueScale = readFloats(in);
        float[] cueWeights = readFloats(in);
        float bias = in.readFloat();
        TopicPrior topics = TopicPrior.read(in);
        float topicWeight = in.readFloat();
        float[] calibration = readFloats(in);
        return new LearnedRouterModel(blocks, idf, weights, cueMean, cueScale, cueWeights, bias, topics, topicWeight,
                calibration);
    }

    static void writeHalf(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) out.writeShort(Float.floatToFloat16(v));
    }

    static float[] readHalf(DataInputStream in, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Float.float16ToFloat(in.readShort());
        return v;
    }

    static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) out.writeFloat(v);
    }

    static float[] readFloats(DataInputStream in) throws IOException {
        float[] v = new float[in.readInt()];
        for (int i = 0; i < v.length; i++) v[i] = in.readFloat();
        return v;
    }
}
