package dev.switchboard.core.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class LearnedRouterModelTest {
    private static final List<String> PROMPTS = List.of(
            "What is the capital of France?",
            "A train leaves at 3:15 pm travelling 62 km/h; a second leaves 40 minutes later at 80 km/h. When does it "
                    + "catch up, and how far from the station?",
            "Which of the following best describes the holding in a case where a contract was signed under duress?\n"
                    + "A. void\nB. voidable\nC. valid\nD. unenforceable\nAnswer:",
            "");

    @Test
    void theBundledModelScoresEveryPromptAsAProbability() {
        LearnedRouterModel model = LearnedRouterModel.bundled();
        for (String p : PROMPTS) assertThat(model.score(p)).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void writingAndReadingBackKeepsEveryScore() throws Exception {
        LearnedRouterModel model = LearnedRouterModel.bundled();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.write(bytes);
        LearnedRouterModel copy = LearnedRouterModel.read(new ByteArrayInputStream(bytes.toByteArray()));
        for (String p : PROMPTS) assertThat(copy.score(p)).isEqualTo(model.score(p));
        assertThat(copy.calibrationScores()).containsExactly(model.calibrationScores());
    }

    @Test
    void theArtifactIsSmallAndHoldsNoText() throws Exception {
        byte[] raw;
        try (InputStream in = LearnedRouterModel.class.getResourceAsStream(LearnedRouterModel.RESOURCE)) {
            raw = in.readAllBytes();
        }
        assertThat(raw.length).isLessThan(5 * 1024 * 1024);
        byte[] data;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            data = in.readAllBytes();
        }
        // Words would show up as runs of lower-case ASCII letters. (Upper-case runs do occur: "HPHP…" is a
        // repeated float16 IDF value, 0x4850.)
        int longest = 0;
        int run = 0;
        for (byte b : data) {
            run = b >= 'a' && b <= 'z' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        assertThat(longest).isLessThan(5);
    }

    @Test
    void scoringAPromptTakesWellUnderAMillisecond() {
        LearnedRouterModel model = LearnedRouterModel.bundled();
        String longPrompt = PROMPTS.get(2).repeat(8);
        for (int i = 0; i < 2000; i++) model.score(longPrompt + i);
        int n = 2000;
        long start = System.nanoTime();
        double sink = 0;
        for (int i = 0; i < n; i++) sink += model.score(longPrompt + i);
        double perCallMillis = (System.nanoTime() - start) / 1e6 / n;
        assertThat(sink).isPositive();
        assertThat(perCallMillis).isLessThan(1.0);
    }
}
