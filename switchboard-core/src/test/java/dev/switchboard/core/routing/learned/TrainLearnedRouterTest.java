package dev.switchboard.core.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainLearnedRouterTest {
    @TempDir
    Path dir;

    private static final String[][] TOPICS = {
        {"integral", "derivative", "theorem", "matrix", "eigenvalue", "proof"},
        {"court", "plaintiff", "statute", "contract", "tort", "liability"},
        {"colour", "animal", "city", "river", "holiday", "music"},
        {"apple", "bread", "garden", "weather", "friend", "school"},
    };

    /** Topics 0 and 1 need the strong model far more often than 2 and 3; every 25th prompt is repeated. */
    private Path syntheticData(int n) throws Exception {
        Random random = new Random(11);
        List<String> lines = new ArrayList<>();
        String previous = null;
        for (int i = 0; i < n; i++) {
            int topic = i % TOPICS.length;
            StringBuilder prompt = new StringBuilder();
            for (int w = 0; w < 12; w++) prompt.append(TOPICS[topic][random.nextInt(6)]).append(' ');
            String text = i % 25 == 24 && previous != null ? previous : prompt.toString().trim() + "?";
            previous = text;
            boolean hard = topic < 2;
            boolean weak = random.nextDouble() < (hard ? 0.3 : 0.9);
            boolean strong = random.nextDouble() < (hard ? 0.9 : 0.95);
            lines.add("{\"id\":\"q" + i + "\",\"source\":\"" + (topic % 2 == 0 ? "alpha" : "beta") + "\",\"domain\":\"t"
                    + topic + "\",\"prompt\":\"" + text + "\",\"weak_correct\":" + weak + ",\"strong_correct\":" + strong
                    + "}");
        }
        Path file = dir.resolve("train.jsonl");
        Files.write(file, lines);
        return file;
    }

    private TrainLearnedRouter.Trained trainNested(Path data, Path out) {
        return TrainLearnedRouter.train(TrainLearnedRouter.Options.parse(new String[] {"--data", data.toString(), "--out",
            out.toString(), "--folds", "3", "--seed", "5", "--bits", "12", "--topic-bits", "10", "--iterations", "60",
            "--nested", "--grid-c", "0.1,10", "--grid-topic-weight", "0,2"}),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private String train(Path data, Path out, String seed) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainLearnedRouter.train(TrainLearnedRouter.Options.parse(new String[] {"--data", data.toString(), "--out",
            out.toString(), "--folds", "3", "--seed", seed, "--bits", "12", "--topic-bits", "10", "--iterations", "60",
            "--fold-dir", dir.resolve("folds").toString()}), new PrintStream(log, true, StandardCharsets.UTF_8));
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainsAModelThatRanksTheHardTopicsAboveTheEasyOnes() throws Exception {
        Path data = syntheticData(400);
        Path out = dir.resolve("model.bin");
        String log = train(data, out, "3");
        assertThat(log).contains("| alpha |").contains("| beta |").contains("savings alpha");
        LearnedRouterModel model = LearnedRouterModel.read(out);
        double hard = model.score("the court found the plaintiff liable under the statute?");
        double easy = model.score("my friend likes bread from the garden school?");
        assertThat(hard).isGreaterThan(easy);
        assertThat(model.calibrationScores()).hasSize(400);
        assertThat(dir.resolve("folds").resolve("fold0-labels.jsonl")).exists();
        assertThat(dir.resolve("folds").resolve("fold2-scores.jsonl")).exists();
    }

    /** The command line prints an IllegalArgumentException's message; anything else reached the user as a stack trace. */
    @Test
    void aMissingOrMalformedDataFileIsBadInputNamingTheFileAndLine() throws Exception {
        Path missing = dir.resolve("missing.jsonl");
        assertThatThrownBy(() -> TrainLearnedRouter.readItems(missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(missing + ": no such file");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\":1,\"prompt\":\"hi\",\"weak_correct\":true,\"strong_correct\":true}\n\n{\"id\":2}\n");
        assertThatThrownBy(() -> TrainLearnedRouter.readItems(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(bad + ":3: needs \"id\"");
        Files.writeString(bad, "not json\n");
        assertThatThrownBy(() -> TrainLearnedRouter.readItems(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(bad + ":1: not a JSON object");
    }

    /** A misspelt option, a value that is no number, or fewer prompts than folds is one line naming what is wrong. */
    @Test
    void badOptionsAndTooFewPromptsNameWhatIsWrong() throws Exception {
        String[] base = {"--data", "d.jsonl", "--out", "o.bin"};
        java.util.function.Function<String[], String[]> with = extra -> java.util.stream.Stream
                .concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra)).toArray(String[]::new);
        assertThatThrownBy(() -> TrainLearnedRouter.Options.parse(with.apply(new String[] {"--bogus", "1"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown option '--bogus'");
        assertThatThrownBy(() -> TrainLearnedRouter.Options.parse(with.apply(new String[] {"--folds", "abc"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--folds: 'abc' is not a whole number");
        assertThatThrownBy(() -> TrainLearnedRouter.Options.parse(with.apply(new String[] {"--folds", "1"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--folds: 1 is not in 2..1000");
        assertThatThrownBy(() -> TrainLearnedRouter.Options.parse(with.apply(new String[] {"--grid-c", "0.3,x"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--grid-c: 'x' is not a number");
        assertThatThrownBy(() -> TrainLearnedRouter.Options.parse(with.apply(new String[] {"--target", "best"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--target: 'best'");
        assertThatThrownBy(() -> TrainLearnedRouter.Options.parse(with.apply(new String[] {"--seed"})))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--seed needs a value");

        Path few = syntheticData(200);
        java.util.List<String> lines = Files.readAllLines(few).subList(0, 2);
        Files.write(few, lines);
        assertThatThrownBy(() -> train(few, dir.resolve("few.bin"), "7"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct prompts, fewer than the 3 folds");
    }

    @Test
    void theSameSeedGivesTheSameArtifact() throws Exception {
        Path data = syntheticData(200);
        train(data, dir.resolve("a.bin"), "5");
        train(data, dir.resolve("b.bin"), "5");
        assertThat(Files.readAllBytes(dir.resolve("a.bin"))).isEqualTo(Files.readAllBytes(dir.resolve("b.bin")));
    }

    @Test
    void duplicatePromptsNeverStraddleFolds() throws Exception {
        List<TrainLearnedRouter.Item> items = TrainLearnedRouter.readItems(syntheticData(500));
        int[] fold = TrainLearnedRouter.groupedFolds(items, 5, 9);
        Map<String, Integer> foldOfPrompt = new HashMap<>();
        int duplicates = 0;
        for (int i = 0; i < items.size(); i++) {
            Integer before = foldOfPrompt.putIfAbsent(items.get(i).prompt(), fold[i]);
            if (before != null) {
                duplicates++;
                assertThat(fold[i]).isEqualTo(before);
            }
        }
        assertThat(duplicates).isGreaterThan(10);
        for (int k = 0; k < 5; k++) {
            int kk = k;
            assertThat(java.util.Arrays.stream(fold).filter(f -> f == kk).count()).isBetween(90L, 110L);
        }
    }

    @Test
    void nestedCrossValidationChoosesFromTheGridsAndLeavesTheArtifactAlone() throws Exception {
        Path data = syntheticData(240);
        train(data, dir.resolve("plain.bin"), "5");
        TrainLearnedRouter.Trained trained = trainNested(data, dir.resolve("nested.bin"));
        assertThat(Files.readAllBytes(dir.resolve("nested.bin"))).isEqualTo(Files.readAllBytes(dir.resolve("plain.bin")));
        TrainLearnedRouter.Nested nested = trained.nested().orElseThrow();
        assertThat(nested.chosenC()).hasSize(3);
        for (double c : nested.chosenC()) assertThat(c).isIn(0.1, 10.0);
        assertThat(nested.chosenTopicWeight()).hasSize(3);
        for (double b : nested.chosenTopicWeight()) assertThat(b).isIn(0.0, 2.0);
        assertThat(nested.scores()).hasSize(240);
        for (double s : nested.scores()) assertThat(s).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void anOuterFoldsLabelsDoNotReachItsNestedScoresOrTheSettingsChosenForIt() throws Exception {
        Path data = syntheticData(240);
        TrainLearnedRouter.Trained before = trainNested(data, dir.resolve("a.bin"));
        // flip every label of outer fold 0; folds depend on prompt text and seed only, so the split is unchanged
        List<String> lines = Files.readAllLines(data);
        List<String> flipped = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (before.fold()[i] == 0) {
                line = line.replace("true", "T").replace("false", "true").replace("T", "false");
            }
            flipped.add(line);
        }
        Path changed = dir.resolve("flipped.jsonl");
        Files.write(changed, flipped);
        TrainLearnedRouter.Trained after = trainNested(changed, dir.resolve("b.bin"));
        assertThat(after.fold()).isEqualTo(before.fold());
        TrainLearnedRouter.Nested a = before.nested().orElseThrow();
        TrainLearnedRouter.Nested b = after.nested().orElseThrow();
        assertThat(b.chosenC()[0]).isEqualTo(a.chosenC()[0]);
        assertThat(b.chosenTopicWeight()[0]).isEqualTo(a.chosenTopicWeight()[0]);
        for (int i = 0; i < lines.size(); i++) {
            if (before.fold()[i] == 0) assertThat(b.scores()[i]).isEqualTo(a.scores()[i]);
        }
        // the other folds trained on the flipped labels, so their scores move
        boolean moved = false;
        for (int i = 0; i < lines.size(); i++) if (before.fold()[i] != 0 && b.scores()[i] != a.scores()[i]) moved = true;
        assertThat(moved).isTrue();
    }
}
