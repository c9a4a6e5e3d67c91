package dev.switchboard.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {
    private static final List<String> TEXTS = List.of(
            "hi",
            "How do I reset my password?",
            "My Spring Boot service throws a NullPointerException when the cache is cold; what is the usual cause?",
            "Write a haiku about autumn leaves falling on a quiet pond at dusk, with a twist in the last line.");

    private static MiniLmEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new MiniLmEmbedder();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    /** The quantised model's vector for a text must not depend on the texts embedded with it. */
    @Test
    void aListGivesEachTextExactlyTheVectorItGetsAlone() {
        List<float[]> list = embedder.embed(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) assertThat(list.get(i)).as(TEXTS.get(i)).isEqualTo(embedder.embed(TEXTS.get(i)));
        assertThat(cosine(list.get(0), list.get(3))).isLessThan(0.9);
    }

    /**
     * The similarity matrix sentence-transformers publishes for all-MiniLM-L6-v2 (full precision, PyTorch). The
     * quantised model is within 0.03 of it; a padded or mis-pooled input, a wrong tokenizer or another model is not.
     */
    @Test
    void reproducesTheReferenceSimilaritiesWithinQuantisationError() {
        List<float[]> v = embedder.embed(List.of("The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."));
        assertThat(cosine(v.get(0), v.get(1))).isCloseTo(0.6660, offset(0.03));
        assertThat(cosine(v.get(0), v.get(2))).isCloseTo(0.1046, offset(0.03));
        assertThat(cosine(v.get(1), v.get(2))).isCloseTo(0.1411, offset(0.03));
    }

    /**
     * Pins the shipped quantised model's output on this runtime (the full-precision model gives 0.7864 and 0.1178 for
     * the two pairs). A runtime whose int8 kernels round differently moves a longer prompt's vector by far more than the
     * margin: ONNX Runtime 1.28 gives -0.0326 for the Spring Boot prompt's first dimension.
     */
    @Test
    void knownSentencesHaveTheirReferenceVectorsAndParaphraseSimilarity() {
        assertPrefix(embedder.embed("The weather is lovely today."), 0.02110237f, 0.11431389f, 0.15790182f, 0.06310147f,
                0.051901475f, -0.025049593f, 0.058126125f, -0.09624862f);
        assertPrefix(embedder.embed("My Spring Boot service throws a NullPointerException when the cache is cold; "
                + "what is the usual cause and how do I fix it?"), -0.038990922f, -0.021921827f, -0.0028217477f,
                -0.039126202f, -0.020513467f, 0.024163004f, 0.0056436486f, 0.019945055f);
        float[] question = embedder.embed("How do I reset my password?");
        assertThat(cosine(question, embedder.embed("I can't remember my login password"))).isCloseTo(0.7802, offset(0.001));
        assertThat(cosine(question, embedder.embed("The mitochondria is the powerhouse of the cell"))).isCloseTo(0.1004, offset(0.001));
    }

    private static void assertPrefix(float[] v, float... expected) {
        for (int d = 0; d < expected.length; d++) assertThat(v[d]).as("dimension " + d).isCloseTo(expected[d], within(1e-5f));
    }

    @Test
    void concurrentCallersAreServedTheirOwnVectors() throws Exception {
        List<float[]> expected = embedder.embed(TEXTS);
        int callers = 64;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<float[]>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                String text = TEXTS.get(c % TEXTS.size());
                results.add(pool.submit(() -> {
                    start.await();
                    return embedder.embed(text);
                }));
            }
            start.countDown();
            for (int c = 0; c < callers; c++) {
                assertThat(results.get(c).get()).as("caller " + c).isEqualTo(expected.get(c % TEXTS.size()));
            }
        }
    }

    /** The tokenizer file pads every text to 128 word pieces; the embedder gives the model only the text's own. */
    @Test
    void theModelIsGivenTheTextsOwnWordPiecesUnpadded() {
        assertThat(embedder.inputLength("hi")).isEqualTo(3);
        assertThat(embedder.inputLength("My Spring Boot service throws a NullPointerException when the cache is cold; "
                + "what is the usual cause and how do I fix it?")).isEqualTo(31);
        assertThat(embedder.inputLength("the quick brown fox jumps over the lazy dog ".repeat(200))).isEqualTo(MiniLmEmbedder.MAX_TOKENS);
    }

    @Test
    void aTextLongerThanTheModelsWindowIsTruncatedNotRejected() {
        String longText = "the quick brown fox jumps over the lazy dog ".repeat(200);
        float[] v = embedder.embed(longText);
        assertThat(v).hasSize(384);
        assertThat(cosine(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    /**
     * A prompt of megabytes is judged by its first word pieces without tokenizing the rest: 2 MB took the tokenizer
     * seconds (8 MB, 19 s per request). The vector is the one its head alone gets.
     */
    @Test
    void aHugeTextIsEmbeddedFromItsHead() {
        String head = "write a python function that sorts a list of numbers ";
        String huge = head.repeat(40) + "lorem ipsum dolor sit amet ".repeat(80_000);
        assertThat(MiniLmEmbedder.head(huge).length()).as("characters tokenized of %d", huge.length()).isLessThan(2_000);
        assertThat(embedder.embed(huge)).containsExactly(embedder.embed(head.repeat(40)));
    }

    /** Words the tokenizer drops (control characters) do not give pieces: such a head is not taken for the text's start. */
    @Test
    void wordsThatGiveNoPiecesDoNotCutTheText() {
        String text = "\u0001 ".repeat(300) + "how do I reset my password?";
        assertThat(embedder.inputLength(text)).isEqualTo(embedder.inputLength("how do I reset my password?"));
        assertThat(embedder.embed(text)).containsExactly(embedder.embed("how do I reset my password?"));
    }

    private static double cosine(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
