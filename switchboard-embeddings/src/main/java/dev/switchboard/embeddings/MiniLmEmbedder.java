package dev.switchboard.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (quantised, 384 dimensions) run in process with ONNX Runtime: WordPiece tokens, mean pooling
 * over the attention mask, unit length. The model and its tokenizer are read from the langchain4j model artifact on
 * the class path, so it works without network access.
 *
 * <p>Texts are never batched together: the model is dynamically quantised, so its activation scales are taken over
 * the whole input tensor and a prompt padded into a batch gets a different vector (cosine 0.98 against itself alone,
 * enough to flip a routing decision). Each text runs alone; concurrent decisions run in parallel on their own threads.
 * Texts longer than {@link #MAX_TOKENS} word pieces are truncated, as the model was trained (its model card's maximum
 * sequence length).
 */
public final class MiniLmEmbedder implements SentenceEmbedder, AutoCloseable {
    static final int MAX_TOKENS = 256;
    private static final int DIMENSION = 384;
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean typeIds;

    public MiniLmEmbedder() {
        try (InputStream m = resource(MODEL); InputStream t = resource(TOKENIZER);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // One thread per inference. Measured on 2 cores (RoutersBenchmark): one thread 8.1 ms p50 / 9.8 ms p99, two
            // threads 6.4 / 15.5 ms; and concurrent decisions then run side by side instead of fighting for both cores.
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(m.readAllBytes(), options);
            tokenizer = HuggingFaceTokenizer.newInstance(t, Map.of("padding", "false", "truncation", "true",
                    "maxLength", Integer.toString(MAX_TOKENS)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the embedding model from the class path", e);
        } catch (OrtException e) {
            throw new IllegalStateException("could not load the embedding model", e);
        }
        typeIds = session.getInputNames().contains("token_type_ids");
    }

    /** Each text runs alone: see the class comment for why texts are never batched together. */
    @Override
    public List<float[]> embed(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }

    /** Safe from any number of threads at once: ONNX Runtime sessions run concurrently. */
    @Override
    public float[] embed(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        long[] shape = {1, ids.length};
        OnnxTensor inputIds = null, mask = null, types = null;
        try {
            inputIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
            mask = OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getAttentionMask()), shape);
            Map<String, OnnxTensor> inputs;
            if (typeIds) {
                types = OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getTypeIds()), shape);
                inputs = Map.of("input_ids", inputIds, "attention_mask", mask, "token_type_ids", types);
            } else {
                inputs = Map.of("input_ids", inputIds, "attention_mask", mask);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                return meanPoolUnit(((OnnxTensor) result.get(0)).getFloatBuffer(), ids.length);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("embedding inference failed", e);
        } finally {
            for (OnnxTensor t : new OnnxTensor[] {inputIds, mask, types}) if (t != null) t.close();
        }
    }

    public int dimension() {
        return DIMENSION;
    }

    /**
     * The mean of the token vectors ({@code tokens × 384}, row-major, read straight from the output tensor), at unit
     * length. Every token is attended to: texts run alone, unpadded.
     */
    private static float[] meanPoolUnit(FloatBuffer hidden, int tokens) {
        float[] v = new float[DIMENSION];
        for (int t = 0, base = 0; t < tokens; t++, base += DIMENSION) {
            for (int d = 0; d < DIMENSION; d++) v[d] += hidden.get(base + d);
        }
        double norm = 0;
        for (int d = 0; d < DIMENSION; d++) norm += (double) v[d] * v[d];
        if (norm == 0) return v;
        float inv = (float) (1 / Math.sqrt(norm)); // the mean's 1/count cancels in the normalisation
        for (int d = 0; d < DIMENSION; d++) v[d] *= inv;
        return v;
    }

    private static InputStream resource(String name) {
        InputStream in = MiniLmEmbedder.class.getResourceAsStream(name);
        if (in == null) throw new IllegalStateException("the embedding model " + name + " is not on the class path");
        return in;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        tokenizer.close();
    }
}
