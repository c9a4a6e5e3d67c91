package dev.switchboard.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void aTextLongerThanTheModelsWindowIsTruncatedNotRejected() {
        String longText = "the quick brown fox jumps over the lazy dog ".repeat(200);
        float[] v = embedder.embed(longText);
        assertThat(v).hasSize(384);
        assertThat(cosine(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    private static double cosine(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
