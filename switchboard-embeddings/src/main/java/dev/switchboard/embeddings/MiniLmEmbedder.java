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
 * over the attended tokens, unit length. The model and its tokenizer are read from the langchain4j model artifact on
 * the class path, so it works without network access.
 *
 * <p>Where the time goes, for the benchmark's 25-word prompt (31 word pieces) on one core of the 2-core benchmark
 * machine, in CPU time: tokenizing ~0.07 ms, building the input tensors ~0.01 ms, inference 2.2-2.7 ms, pooling
 * ~0.02 ms. The inputs are the text's own word pieces: the tokenizer file asks for padding to a fixed 128, which is
 * turned off here, and an unpadded text costs a fixed ~0.6-1 ms (every int8 weight read once, ~160 kernels) plus
 * ~70 µs per word piece. The full-precision model costs 2.5 times as much (7.2 ms), so the quantised one is shipped.
 *
 * <p>Texts are never batched together: the model is dynamically quantised, so its activation scales are taken over
 * the whole input tensor and a prompt padded into a batch gets a different vector (cosine 0.978-0.996 against itself
 * alone, enough to flip a routing decision). The full-precision model is batch-invariant (bit-identical vectors with
 * the padding masked), but even in a batch of eight it costs 4.9 ms per text, twice the quantised model alone, so
 * batching it would cut throughput. Each text runs alone; concurrent decisions run in parallel on their own threads.
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
            // One thread per inference: concurrent decisions run side by side instead of fighting for both cores, and on
            // the shared 2-core benchmark machine two threads (spinning or not) never beat one at the p99.
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
        Encoding encoding = encode(text);
        long[] ids = encoding.getIds();
        long[] attention = encoding.getAttentionMask();
        int attended = 0;
        for (long a : attention) attended += (int) a; // all of them: the tokenizer does not pad
        long[] shape = {1, ids.length};
        OnnxTensor inputIds = null, mask = null, types = null;
        try {
            inputIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
            mask = OnnxTensor.createTensor(env, LongBuffer.wrap(attention), shape);
            Map<String, OnnxTensor> inputs;
            if (typeIds) {
                types = OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getTypeIds()), shape);
                inputs = Map.of("input_ids", inputIds, "attention_mask", mask, "token_type_ids", types);
            } else {
                inputs = Map.of("input_ids", inputIds, "attention_mask", mask);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                return meanPoolUnit(((OnnxTensor) result.get(0)).getFloatBuffer(), attended);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("embedding inference failed", e);
        } finally {
            for (OnnxTensor t : new OnnxTensor[] {inputIds, mask, types}) if (t != null) t.close();
        }
    }

    /** How many word pieces the model is given for a text, [CLS] and [SEP] included. */
    int inputLength(String text) {
        return encode(text).getIds().length;
    }

    /**
     * The text's first {@link #MAX_TOKENS} word pieces. Only its head is tokenized: the whole of a megabyte prompt took
     * the tokenizer seconds, to keep 256 pieces of it. Every space-separated word gives at least one piece, so the
     * first {@code MAX_TOKENS} words hold them all; a head that gives fewer (words of characters the tokenizer drops)
     * is given up for the whole text.
     */
    private Encoding encode(String text) {
        String head = head(text);
        if (head.length() < text.length()) {
            Encoding encoding = tokenizer.encode(head);
            if (encoding.getIds().length >= MAX_TOKENS) return encoding;
        }
        return tokenizer.encode(text);
    }

    /** The text up to its {@link #MAX_TOKENS}-th space-separated word, or all of it if it has no more. */
    static String head(String text) {
        int words = 0;
        for (int i = 0; i < text.length(); i++) {
            boolean space = isAsciiSpace(text.charAt(i));
            if (!space && (i == 0 || isAsciiSpace(text.charAt(i - 1))) && ++words > MAX_TOKENS) return text.substring(0, i);
        }
        return text;
    }

    /** Separators every tokenizer splits words at, so cutting there leaves the pieces before it as they were. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    public int dimension() {
        return DIMENSION;
    }

    /**
     * The mean of the first {@code tokens} token vectors (row-major {@code × 384}, read straight from the output
     * tensor), at unit length: the attended ones, as padding would only follow them.
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
