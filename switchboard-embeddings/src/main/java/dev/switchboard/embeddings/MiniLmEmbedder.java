package dev.switchboard.embeddings;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantised, 384 dimensions) run in process with ONNX Runtime. The model and its tokenizer are
 * read from the class path, so it works without network access.
 */
public final class MiniLmEmbedder implements SentenceEmbedder {
    private final AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();

    @Override
    public List<float[]> embed(List<String> texts) {
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        return model.embedAll(segments).content().stream().map(MiniLmEmbedder::unit).toList();
    }

    public int dimension() {
        return model.dimension();
    }

    private static float[] unit(Embedding e) {
        float[] v = e.vector();
        double norm = 0;
        for (float x : v) norm += x * x;
        if (norm == 0) return v;
        float inv = (float) (1 / Math.sqrt(norm));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * inv;
        return out;
    }
}
