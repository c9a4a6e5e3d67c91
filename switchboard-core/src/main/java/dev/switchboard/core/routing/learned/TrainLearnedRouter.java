package dev.switchboard.core.routing.learned;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.TokenCounter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Trains the learned strong/weak router from a RouteLLM-style table ({@code {id, source, prompt, weak_correct,
 * strong_correct}} per line), prints k-fold cross-validated APGR / CPT per source, and writes the artifact.
 *
 * <pre>
 * java -cp ... dev.switchboard.core.routing.learned.TrainLearnedRouter --data train.jsonl --out learned-router.bin
 *     [--folds 5] [--seed 7] [--c 1] [--target soft|gain|weak-wrong] [--bits 18] [--char-ngrams none | 3-5]
 *     [--no-bigrams] [--topic-bits 14] [--topic-c 1000] [--topic-weight 1.5] [--smoothing 20] [--iterations 300]
 *     [--fold-dir DIR] [--output-tokens 300] [--nested] [--grid-c 0.3,1,3] [--grid-topic-weight 0,0.5,1,1.5,2,3]
 * </pre>
 *
 * Folds are grouped by prompt text, so duplicate prompts never straddle folds. With {@code --fold-dir} each
 * held-out fold's labels and scores are written for {@code score.py}. The calibration sample stored in the
 * artifact is the out-of-fold scores, the scores of prompts the scoring model never saw.
 *
 * <p>{@code --nested} also runs nested cross-validation: for every outer fold, C and the topic weight are chosen
 * from the grids on inner grouped folds of that fold's training part alone (the setting with the best mean of
 * per-source inner out-of-fold APGR), then a model with the chosen setting is trained on the whole training part
 * and scored on the outer fold, which took no part in the choice. It reports what the tuning procedure, not one
 * hand-picked setting, achieves on unseen prompts. It does not change the artifact.
 */
public final class TrainLearnedRouter {
    /** What the model learns to predict. */
    enum Target {
        /** strong right and weak wrong: the calls where the strong model pays off */
        GAIN,
        /** (strong − weak + 1) / 2: also learns where the weak model is the better choice */
        SOFT,
        /** weak wrong */
        WEAK_WRONG;

        double of(boolean weak, boolean strong) {
            return switch (this) {
                case GAIN -> strong && !weak ? 1 : 0;
                case SOFT -> ((strong ? 1 : 0) - (weak ? 1 : 0) + 1) / 2.0;
                case WEAK_WRONG -> weak ? 0 : 1;
            };
        }
    }

    record Options(Path data, Path out, int folds, long seed, double c, Target target, int bits, int charMin,
            int charMax, boolean bigrams, int iterations, Optional<Path> foldDir, int outputTokens, int topicBits,
            double topicC, double topicWeight, double smoothing, boolean nested, double[] gridC,
            double[] gridTopicWeight) {

        private static final List<String> SWITCHES = List.of("--no-bigrams", "--nested");
        private static final List<String> VALUED = List.of("--data", "--out", "--folds", "--seed", "--c", "--target",
                "--bits", "--char-ngrams", "--iterations", "--fold-dir", "--output-tokens", "--topic-bits", "--topic-c",
                "--topic-weight", "--smoothing", "--grid-c", "--grid-topic-weight");

        /** A misspelt option or a value that is no number is bad input naming the option, not a default or a crash. */
        static Options parse(String[] args) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (SWITCHES.contains(a)) {
                    m.put(a, "true");
                    continue;
                }
                if (!VALUED.contains(a)) {
                    throw new IllegalArgumentException("unknown option '" + a + "' (known: " + String.join(", ", VALUED) + ", "
                            + String.join(", ", SWITCHES) + ")");
                }
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                m.put(a, args[++i]);
            }
            if (!m.containsKey("--data") || !m.containsKey("--out")) {
                throw new IllegalArgumentException("usage: --data PATH --out PATH [--folds 5] [--seed N] ...");
            }
            String chars = m.getOrDefault("--char-ngrams", "none");
            int cmin = 0;
            int cmax = 0;
            if (!chars.equals("none")) {
                String[] p = chars.split("-");
                cmin = whole("--char-ngrams", p[0], 1, 20);
                cmax = whole("--char-ngrams", p[p.length - 1], cmin, 20);
            }
            Target target;
            try {
                target = Target.valueOf(m.getOrDefault("--target", "soft").toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--target: '" + m.get("--target") + "' is none of soft, gain, weak-wrong");
            }
            return new Options(Path.of(m.get("--data")), Path.of(m.get("--out")),
                    whole("--folds", m.getOrDefault("--folds", "5"), 2, 1000),
                    seed(m.getOrDefault("--seed", "7")),
                    number("--c", m.getOrDefault("--c", "1")), target,
                    whole("--bits", m.getOrDefault("--bits", "18"), 1, 24), cmin, cmax, !m.containsKey("--no-bigrams"),
                    whole("--iterations", m.getOrDefault("--iterations", "300"), 1, 1_000_000),
                    Optional.ofNullable(m.get("--fold-dir")).map(Path::of),
                    whole("--output-tokens", m.getOrDefault("--output-tokens", "300"), 1, 10_000_000),
                    whole("--topic-bits", m.getOrDefault("--topic-bits", "14"), 1, 24),
                    number("--topic-c", m.getOrDefault("--topic-c", "1000")),
                    number("--topic-weight", m.getOrDefault("--topic-weight", "1.5")),
                    number("--smoothing", m.getOrDefault("--smoothing", "20")), m.containsKey("--nested"),
                    grid("--grid-c", m.getOrDefault("--grid-c", "0.3,1,3")),
                    grid("--grid-topic-weight", m.getOrDefault("--grid-topic-weight", "0,0.5,1,1.5,2,3")));
        }

        private static int whole(String option, String value, int min, int max) {
            try {
                int v = Integer.parseInt(value.trim());
                if (v < min || v > max) throw new IllegalArgumentException(option + ": " + v + " is not in " + min + ".." + max);
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + value + "' is not a whole number");
            }
        }

        private static long seed(String value) {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seed: '" + value + "' is not a whole number");
            }
        }

        private static double number(String option, String value) {
            try {
                double v = Double.parseDouble(value.trim());
                if (!Double.isFinite(v) || v < 0) throw new IllegalArgumentException(option + ": " + value + " is not a number >= 0");
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + value + "' is not a number");
            }
        }

        private static double[] grid(String option, String list) {
            double[] g = java.util.Arrays.stream(list.split(",")).mapToDouble(v -> number(option, v)).toArray();
            if (g.length == 0) throw new IllegalArgumentException(option + ": an empty list");
            return g;
        }

        Options withC(double value) {
            return new Options(data, out, folds, seed, value, target, bits, charMin, charMax, bigrams, iterations,
                    foldDir, outputTokens, topicBits, topicC, topicWeight, smoothing, nested, gridC, gridTopicWeight);
        }

        List<HashedFeatures> blocks() {
            List<HashedFeatures> b = new ArrayList<>();
            b.add(new HashedFeatures(bits, true, bigrams, 0, 0));
            if (charMin > 0) b.add(new HashedFeatures(bits, false, false, charMin, charMax));
            return b;
        }
    }

    /** @param topic the subject label (source and domain); used only to build the {@link TopicPrior} */
    record Item(String id, String source, String topic, String prompt, boolean weak, boolean strong) {}

    public static void main(String[] args) {
        Options options = Options.parse(args);
        train(options, System.out);
    }

    /** A missing file or a malformed line is bad input (the command line prints its message), not a crash. */
    static List<Item> readItems(Path data) {
        ObjectMapper json = Json.MAPPER;
        List<Item> items = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(data);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(data + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(data + ": cannot read it (" + e.getMessage() + ")");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String where = data + ":" + (i + 1) + ": ";
            JsonNode n;
            try {
                n = json.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(where + "not a JSON object");
            }
            if (!n.path("id").isValueNode() || !n.path("prompt").isTextual() || !n.path("weak_correct").isValueNode()
                    || !n.path("strong_correct").isValueNode()) {
                throw new IllegalArgumentException(where + "needs \"id\", a string \"prompt\", \"weak_correct\" and "
                        + "\"strong_correct\"");
            }
            String source = n.path("source").asText("all");
            items.add(new Item(n.get("id").asText(), source, source + "/" + n.path("domain").asText(""),
                    n.get("prompt").asText(),
                    n.get("weak_correct").asBoolean(), n.get("strong_correct").asBoolean()));
        }
        return items;
    }

    /** Fold of each item: prompts are grouped by exact text, groups shuffled with the seed and dealt round-robin. */
    static int[] groupedFolds(List<Item> items, int folds, long seed) {
        Map<String, Integer> groupOf = new LinkedHashMap<>();
        int[] group = new int[items.size()];
        for (int i = 0; i < items.size(); i++) group[i] = groupOf.computeIfAbsent(items.get(i).prompt(), k -> groupOf.size());
        int[] order = new int[groupOf.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Random random = new Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] foldOfGroup = new int[order.length];
        for (int i = 0; i < order.length; i++) foldOfGroup[order[i]] = i % folds;
        int[] fold = new int[items.size()];
        for (int i = 0; i < fold.length; i++) fold[i] = foldOfGroup[group[i]];
        return fold;
    }

    /**
     * Result of training: the model, the cross-validated scores of every item and, with {@code --nested}, the
     * nested cross-validated scores (else empty).
     */
    record Trained(LearnedRouterModel model, double[] outOfFold, int[] fold, Optional<Nested> nested) {}

    /** Everything the fits read, computed once per run. */
    record Features(List<HashedFeatures> blocks, HashedFeatures.Counts[][] counts, float[][] cues, TopicData topics,
            double[] target) {}

    /** Nested cross-validation: outer-fold scores and the (C, topic weight) chosen for each outer fold. */
    record Nested(double[] scores, double[] chosenC, double[] chosenTopicWeight) {}

    static Trained train(Options o, PrintStream log) {
        List<Item> items = readItems(o.data());
        // Folds are grouped by prompt text: fewer distinct prompts than folds would leave a fold empty.
        long distinct = items.stream().map(Item::prompt).distinct().count();
        if (distinct < o.folds()) {
            throw new IllegalArgumentException(o.data() + ": " + distinct + " distinct prompts, fewer than the " + o.folds()
                    + " folds (--folds) to train and score them in");
        }
        List<HashedFeatures> blocks = o.blocks();
        int n = items.size();
        HashedFeatures.Counts[][] counts = new HashedFeatures.Counts[blocks.size()][n];
        float[][] cues = new float[n][];
        HashedFeatures topicFeatures = new HashedFeatures(o.topicBits(), true, o.bigrams(), 0, 0);
        HashedFeatures.Counts[] topicCounts = new HashedFeatures.Counts[n];
        Map<String, Integer> topicIds = new LinkedHashMap<>();
        int[] topic = new int[n];
        for (int i = 0; i < n; i++) {
            topicCounts[i] = topicFeatures.count(items.get(i).prompt());
            topic[i] = topicIds.computeIfAbsent(items.get(i).topic(), k -> topicIds.size());
            for (int b = 0; b < blocks.size(); b++) counts[b][i] = blocks.get(b).count(items.get(i).prompt());
            cues[i] = PromptCues.of(items.get(i).prompt());
        }
        double[] target = new double[n];
        for (int i = 0; i < n; i++) target[i] = o.target().of(items.get(i).weak(), items.get(i).strong());
        int[] fold = groupedFolds(items, o.folds(), o.seed());
        TopicData topicData = new TopicData(topicFeatures, topicCounts, topic, topicIds.size());
        Features features = new Features(blocks, counts, cues, topicData, target);
        double[] oof = new double[n];
        double[] oofMargin = new double[n];
        double[] oofTopic = new double[n];
        List<String> sources = items.stream().map(Item::source).distinct().sorted().toList();
        Map<String, List<RoutingMetrics>> perFold = new LinkedHashMap<>();
        for (String s : sources) perFold.put(s, new ArrayList<>());
        for (int k = 0; k < o.folds(); k++) {
            int fk = k;
            boolean[] train = new boolean[n];
            for (int i = 0; i < n; i++) train[i] = fold[i] != k;
            LearnedRouterModel model = fit(o, features, train, new float[0]);
            for (int i = 0; i < n; i++) {
                if (train[i]) continue;
                oof[i] = model.score(items.get(i).prompt());
                oofMargin[i] = model.linearMargin(items.get(i).prompt());
                oofTopic[i] = model.topics().logit(items.get(i).prompt());
            }
            for (String s : sources) perFold.get(s).add(metrics(items, oof, i -> fold[i] == fk && items.get(i).source().equals(s)));
            if (o.foldDir().isPresent()) writeFold(o.foldDir().get(), k, items, oof, fold);
            log.printf(Locale.ROOT, "fold %d/%d trained%n", k + 1, o.folds());
        }
        printTable(o, log, items, oof, sources, perFold);
        for (double beta : new double[] {0, 0.5, 1, 1.5, 2, 3, 1000}) {
            double[] blend = new double[n];
            for (int i = 0; i < n; i++) blend[i] = oofMargin[i] + beta * oofTopic[i];
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "sensitivity: topic weight %6.1f:", beta));
            for (String s : sources) {
                line.append(String.format(Locale.ROOT, " %s pooled APGR %.3f", s,
                        metrics(items, blend, i -> items.get(i).source().equals(s)).apgr()));
            }
            log.println(line);
        }
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        float[] calibration = new float[n];
        for (int i = 0; i < n; i++) calibration[i] = (float) oof[i];
        LearnedRouterModel model = fit(o, features, all, calibration);
        Optional<Nested> nested = o.nested() ? Optional.of(nested(o, items, features, fold, log)) : Optional.empty();
        model.write(o.out());
        try {
            log.printf(Locale.ROOT, "wrote %s (%d bytes)%n", o.out(), Files.size(o.out()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Trained(model, oof, fold, nested);
    }

    static Nested nested(Options o, List<Item> items, Features f, int[] fold, PrintStream log) {
        int n = items.size();
        int innerFolds = Math.max(2, o.folds() - 1);
        double[] gridC = o.gridC();
        double[] gridBeta = o.gridTopicWeight();
        List<String> sources = items.stream().map(Item::source).distinct().sorted().toList();
        double[] scores = new double[n];
        double[] chosenC = new double[o.folds()];
        double[] chosenBeta = new double[o.folds()];
        for (int k = 0; k < o.folds(); k++) {
            int fk = k;
            List<Integer> part = new ArrayList<>();
            for (int i = 0; i < n; i++) if (fold[i] != k) part.add(i);
            // inner folds over the outer training part only, grouped by prompt text like the outer ones
            int[] inner = groupedFolds(part.stream().map(items::get).toList(), innerFolds, o.seed() + 1 + k);
            double[][] margin = new double[gridC.length][n];
            double[] topicLogit = new double[n];
            for (int j = 0; j < innerFolds; j++) {
                boolean[] train = new boolean[n];
                for (int q = 0; q < part.size(); q++) train[part.get(q)] = inner[q] != j;
                TopicPrior topics = fitTopics(o, f.topics(), f.target(), train);
                for (int c = 0; c < gridC.length; c++) {
                    LearnedRouterModel m = fit(o.withC(gridC[c]), f, train, new float[0], topics);
                    for (int q = 0; q < part.size(); q++) {
                        if (inner[q] == j) margin[c][part.get(q)] = m.linearMargin(items.get(part.get(q)).prompt());
                    }
                }
                for (int q = 0; q < part.size(); q++) {
                    if (inner[q] == j) topicLogit[part.get(q)] = topics.logit(items.get(part.get(q)).prompt());
                }
            }
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < gridC.length; c++) {
                for (double beta : gridBeta) {
                    double[] s = new double[n];
                    for (int i : part) s[i] = margin[c][i] + beta * topicLogit[i];
                    double mean = 0;
                    for (String src : sources) {
                        mean += metrics(items, s, i -> fold[i] != fk && items.get(i).source().equals(src)).apgr();
                    }
                    mean /= sources.size();
                    if (mean > best) {
                        best = mean;
                        chosenC[k] = gridC[c];
                        chosenBeta[k] = beta;
                    }
                }
            }
            boolean[] train = new boolean[n];
            for (int i : part) train[i] = true;
            LearnedRouterModel m = fit(o.withC(chosenC[k]), f, train, new float[0], fitTopics(o, f.topics(), f.target(), train))
                    .withTopicWeight((float) chosenBeta[k]);
            for (int i = 0; i < n; i++) if (fold[i] == k) scores[i] = m.score(items.get(i).prompt());
            log.printf(Locale.ROOT, "nested fold %d/%d: chose C %.3g, topic weight %.3g (inner mean APGR %.3f)%n", k + 1,
                    o.folds(), chosenC[k], chosenBeta[k], best);
        }
        Map<String, List<RoutingMetrics>> perFold = new LinkedHashMap<>();
        for (String s : sources) {
            List<RoutingMetrics> list = new ArrayList<>();
            for (int k = 0; k < o.folds(); k++) {
                int fk = k;
                list.add(metrics(items, scores, i -> fold[i] == fk && items.get(i).source().equals(s)));
            }
            perFold.put(s, list);
        }
        log.printf(Locale.ROOT, "%nnested %d-fold grouped cross-validation (%d inner folds; C from %s, topic weight from %s)%n",
                o.folds(), innerFolds, java.util.Arrays.toString(gridC), java.util.Arrays.toString(gridBeta));
        printFolds(log, items, scores, sources, perFold);
        return new Nested(scores, chosenC, chosenBeta);
    }

    /** Topic labels and the hashed counts their centroids are built from. */
    record TopicData(HashedFeatures features, HashedFeatures.Counts[] counts, int[] topic, int topics) {}

    static TopicPrior fitTopics(Options o, TopicData data, double[] target, boolean[] train) {
        int n = target.length;
        int dim = data.features().dimension();
        int trainCount = 0;
        int[] df = new int[dim];
        for (int i = 0; i < n; i++) {
            if (!train[i]) continue;
            trainCount++;
            for (int j : data.counts()[i].index()) df[j]++;
        }
        float[] idf = new float[dim];
        for (int j = 0; j < dim; j++) idf[j] = df[j] == 0 ? 0 : (float) (Math.log((1.0 + trainCount) / (1.0 + df[j])) + 1);
        int[] rowOf = new int[trainCount];
        int[][] index = new int[trainCount][];
        float[][] value = new float[trainCount][];
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (!train[i]) continue;
            HashedFeatures.Counts c = data.counts()[i];
            float[] v = new float[c.index().length];
            double norm = 0;
            for (int q = 0; q < v.length; q++) {
                v[q] = (float) ((1 + Math.log(c.count()[q])) * idf[c.index()[q]]);
                norm += v[q] * v[q];
            }
            double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
            for (int q = 0; q < v.length; q++) v[q] *= (float) inv;
            rowOf[r] = i;
            index[r] = c.index();
            value[r++] = v;
        }
        LogisticTrainer.Rows rows = new LogisticTrainer.Rows(dim, index, value);
        double global = 0;
        for (int q = 0; q < trainCount; q++) global += target[rowOf[q]];
        global /= trainCount;
        List<float[]> weights = new ArrayList<>();
        List<Float> biases = new ArrayList<>();
        List<Float> rates = new ArrayList<>();
        LogisticTrainer trainer = new LogisticTrainer(1 / o.topicC(), o.iterations());
        for (int t = 0; t < data.topics(); t++) {
            double[] y = new double[trainCount];
            double hits = 0;
            int size = 0;
            for (int q = 0; q < trainCount; q++) {
                if (data.topic()[rowOf[q]] != t) continue;
                y[q] = 1;
                hits += target[rowOf[q]];
                size++;
            }
            if (size == 0) continue;
            double[] w = trainer.fit(rows, y);
            float[] wf = new float[dim];
            for (int j = 0; j < dim; j++) wf[j] = (float) w[j];
            roundToHalf(wf);
            weights.add(wf);
            biases.add((float) w[dim]);
            rates.add((float) ((hits + o.smoothing() * global) / (size + o.smoothing())));
        }
        float[] rate = new float[rates.size()];
        float[] bias = new float[rates.size()];
        for (int t = 0; t < rate.length; t++) {
            rate[t] = rates.get(t);
            bias[t] = biases.get(t);
        }
        roundToHalf(idf);
        return new TopicPrior(data.features(), idf, weights.toArray(float[][]::new), bias, rate);
    }

    static LearnedRouterModel fit(Options o, Features f, boolean[] train, float[] calibration) {
        return fit(o, f, train, calibration, fitTopics(o, f.topics(), f.target(), train));
    }

    static LearnedRouterModel fit(Options o, Features f, boolean[] train, float[] calibration, TopicPrior topics) {
        List<HashedFeatures> blocks = f.blocks();
        HashedFeatures.Counts[][] counts = f.counts();
        float[][] cues = f.cues();
        double[] target = f.target();
        int n = target.length;
        int trainCount = 0;
        for (boolean t : train) if (t) trainCount++;
        int dim = blocks.getFirst().dimension();
        float[][] idf = new float[blocks.size()][];
        for (int b = 0; b < blocks.size(); b++) {
            int[] df = new int[dim];
            for (int i = 0; i < n; i++) if (train[i]) for (int j : counts[b][i].index()) df[j]++;
            idf[b] = new float[dim];
            for (int j = 0; j < dim; j++) idf[b][j] = df[j] == 0 ? 0 : (float) (Math.log((1.0 + trainCount) / (1.0 + df[j])) + 1);
        }
        float[] mean = new float[PromptCues.COUNT];
        float[] scale = new float[PromptCues.COUNT];
        for (int c = 0; c < PromptCues.COUNT; c++) {
            double s = 0;
            double s2 = 0;
            for (int i = 0; i < n; i++) if (train[i]) {
                s += cues[i][c];
                s2 += (double) cues[i][c] * cues[i][c];
            }
            double m = s / trainCount;
            mean[c] = (float) m;
            scale[c] = (float) Math.max(1e-6, Math.sqrt(Math.max(0, s2 / trainCount - m * m)));
        }
        int total = blocks.size() * dim + PromptCues.COUNT;
        int[][] index = new int[trainCount][];
        float[][] value = new float[trainCount][];
        double[] t = new double[trainCount];
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (!train[i]) continue;
            int size = PromptCues.COUNT;
            for (int b = 0; b < blocks.size(); b++) size += counts[b][i].index().length;
            int[] idx = new int[size];
            float[] val = new float[size];
            int p = 0;
            for (int b = 0; b < blocks.size(); b++) {
                HashedFeatures.Counts cnt = counts[b][i];
                int start = p;
                double norm = 0;
                for (int q = 0; q < cnt.index().length; q++) {
                    int j = cnt.index()[q];
                    double v = (1 + Math.log(cnt.count()[q])) * idf[b][j];
                    idx[p] = b * dim + j;
                    val[p++] = (float) v;
                    norm += v * v;
                }
                double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
                for (int q = start; q < p; q++) val[q] *= (float) inv;
            }
            for (int c = 0; c < PromptCues.COUNT; c++) {
                idx[p] = blocks.size() * dim + c;
                val[p++] = (cues[i][c] - mean[c]) / scale[c];
            }
            index[r] = idx;
            value[r] = val;
            t[r++] = target[i];
        }
        double[] w = new LogisticTrainer(1 / o.c(), o.iterations())
                .fit(new LogisticTrainer.Rows(total, index, value), t);
        float[][] weights = new float[blocks.size()][dim];
        for (int b = 0; b < blocks.size(); b++) for (int j = 0; j < dim; j++) weights[b][j] = (float) w[b * dim + j];
        float[] cueWeights = new float[PromptCues.COUNT];
        for (int c = 0; c < PromptCues.COUNT; c++) cueWeights[c] = (float) w[blocks.size() * dim + c];
        // The artifact stores float16; round here too so cross-validation scores what ships.
        for (float[] a : idf) roundToHalf(a);
        for (float[] a : weights) roundToHalf(a);
        return new LearnedRouterModel(blocks, idf, weights, mean, scale, cueWeights, (float) w[total],
                topics, (float) o.topicWeight(), calibration);
    }

    private static void roundToHalf(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = Float.float16ToFloat(Float.floatToFloat16(a[i]));
    }

    private static RoutingMetrics metrics(List<Item> items, double[] score, java.util.function.IntPredicate keep) {
        List<Integer> sel = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) if (keep.test(i)) sel.add(i);
        double[] s = new double[sel.size()];
        boolean[] w = new boolean[sel.size()];
        boolean[] st = new boolean[sel.size()];
        for (int q = 0; q < sel.size(); q++) {
            s[q] = score[sel.get(q)];
            w[q] = items.get(sel.get(q)).weak();
            st[q] = items.get(sel.get(q)).strong();
        }
        return RoutingMetrics.of(s, w, st);
    }

    private static void printTable(Options o, PrintStream log, List<Item> items, double[] oof, List<String> sources,
            Map<String, List<RoutingMetrics>> perFold) {
        log.printf(Locale.ROOT, "%n%d-fold grouped cross-validation (seed %d, target %s, C %.3g, %d-bit hashing, "
                + "char n-grams %s, bigrams %s, topic prior %d-bit C %.3g, weight %.3g, smoothing %.3g)%n",
                o.folds(), o.seed(), o.target().name().toLowerCase(Locale.ROOT), o.c(), o.bits(),
                o.charMin() == 0 ? "none" : o.charMin() + "-" + o.charMax(), o.bigrams(), o.topicBits(), o.topicC(),
                o.topicWeight(), o.smoothing());
        printFolds(log, items, oof, sources, perFold);
        log.println();
        TokenCounter tokens = new TokenCounter();
        for (String s : sources) {
            List<Integer> sel = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) if (items.get(i).source().equals(s)) sel.add(i);
            double[] sc = sel.stream().mapToDouble(i -> oof[i]).toArray();
            boolean[] w = new boolean[sel.size()];
            boolean[] st = new boolean[sel.size()];
            int[] in = new int[sel.size()];
            for (int q = 0; q < sel.size(); q++) {
                w[q] = items.get(sel.get(q)).weak();
                st[q] = items.get(sel.get(q)).strong();
                in[q] = tokens.count(items.get(sel.get(q)).prompt());
            }
            SavingsReport report = SavingsReport.compute(0.95, sc, w, st, in, o.outputTokens(),
                    SavingsReport.GPT_4_1106, SavingsReport.MIXTRAL_8X7B);
            log.printf(Locale.ROOT, "savings %s (out-of-fold scores, %d output tokens per call): %s%n", s,
                    o.outputTokens(), report);
        }
    }

    private static void printFolds(PrintStream log, List<Item> items, double[] oof, List<String> sources,
            Map<String, List<RoutingMetrics>> perFold) {
        log.println("| source | n | APGR per fold | APGR mean ± sd | CPT(50%) mean | CPT(80%) mean | pooled out-of-fold APGR |");
        log.println("|---|---|---|---|---|---|---|");
        for (String s : sources) {
            List<RoutingMetrics> f = perFold.get(s);
            double[] a = f.stream().mapToDouble(RoutingMetrics::apgr).toArray();
            double mean = java.util.Arrays.stream(a).average().orElse(0);
            double sd = Math.sqrt(java.util.Arrays.stream(a).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, a.length - 1));
            StringBuilder folds = new StringBuilder();
            for (double x : a) folds.append(folds.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.3f", x));
            RoutingMetrics pooled = metrics(items, oof, i -> items.get(i).source().equals(s));
            log.printf(Locale.ROOT, "| %s | %d | %s | %.3f ± %.3f | %s | %s | %.3f |%n", s, pooled.n(), folds, mean, sd,
                    meanOf(f, RoutingMetrics::cpt50), meanOf(f, RoutingMetrics::cpt80), pooled.apgr());
        }
    }

    private static String meanOf(List<RoutingMetrics> folds, java.util.function.Function<RoutingMetrics, Optional<Double>> f) {
        double sum = 0;
        int k = 0;
        for (RoutingMetrics m : folds) {
            Optional<Double> v = f.apply(m);
            if (v.isEmpty()) return "n/a";
            sum += v.get();
            k++;
        }
        return String.format(Locale.ROOT, "%.1f%%", sum / k);
    }

    private static void writeFold(Path dir, int k, List<Item> items, double[] oof, int[] fold) {
        ObjectMapper json = Json.MAPPER;
        try {
            Files.createDirectories(dir);
            try (BufferedWriter labels = Files.newBufferedWriter(dir.resolve("fold" + k + "-labels.jsonl"));
                    BufferedWriter scores = Files.newBufferedWriter(dir.resolve("fold" + k + "-scores.jsonl"))) {
                for (int i = 0; i < items.size(); i++) {
                    if (fold[i] != k) continue;
                    Item it = items.get(i);
                    Map<String, Object> l = new LinkedHashMap<>();
                    l.put("id", it.id());
                    l.put("source", it.source());
                    l.put("weak_correct", it.weak());
                    l.put("strong_correct", it.strong());
                    labels.write(json.writeValueAsString(l));
                    labels.newLine();
                    scores.write(json.writeValueAsString(Map.of("id", it.id(), "score", oof[i])));
                    scores.newLine();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
