package dev.switchboard.core.routing.learned;

import dev.switchboard.core.config.Prices;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * What a router saves at a chosen quality: the fewest prompts (highest scores first) sent to the strong model
 * such that accuracy reaches {@code targetQuality × always-strong accuracy}, and the cost of that mix against
 * sending everything to the strong model.
 *
 * @param strongShare share of prompts sent to the strong model
 * @param accuracy accuracy of the routed mix (0–1)
 * @param strongAccuracy accuracy of always-strong (0–1)
 * @param cost dollars for the routed mix
 * @param alwaysStrongCost dollars when every prompt goes to the strong model
 */
public record SavingsReport(double targetQuality, double strongShare, double accuracy, double strongAccuracy,
        double cost, double alwaysStrongCost) {

    /**
     * Default prices per million tokens (input, output). GPT-4 Turbo preview (gpt-4-1106-preview): $10 / $30
     * (OpenAI's list price, as listed at https://aitoolrank.net/model/openai--gpt-4-turbo-preview).
     * Mixtral-8x7B-Instruct: $0.54 / $0.54 (OpenRouter's routed rate, as listed at
     * https://llm-pricing-872.pages.dev/en/models/mistralai-mixtral-8x7b-instruct; other listings show
     * $0.30–0.42).
     */
    public static final Prices GPT_4_1106 = new Prices(10.0, 30.0, 10.0, 10.0);
    public static final Prices MIXTRAL_8X7B = new Prices(0.54, 0.54, 0.54, 0.54);

    public double saving() {
        return alwaysStrongCost == 0 ? 0 : 1 - cost / alwaysStrongCost;
    }

    /**
     * @param inputTokens prompt tokens of each item
     * @param outputTokens completion tokens assumed for every call
     */
    public static SavingsReport compute(double targetQuality, double[] score, boolean[] weakCorrect,
            boolean[] strongCorrect, int[] inputTokens, int outputTokens, Prices strong, Prices weak) {
        int n = score.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> score[i]).reversed());
        double[] strongCost = new double[n];
        double[] weakCost = new double[n];
        int strongRight = 0;
        int correct = 0;
        double cost = 0;
        double alwaysStrong = 0;
        for (int i = 0; i < n; i++) {
            strongCost[i] = (inputTokens[i] * strong.inputPerMillion() + outputTokens * strong.outputPerMillion()) / 1e6;
            weakCost[i] = (inputTokens[i] * weak.inputPerMillion() + outputTokens * weak.outputPerMillion()) / 1e6;
            alwaysStrong += strongCost[i];
            cost += weakCost[i];
            if (strongCorrect[i]) strongRight++;
            if (weakCorrect[i]) correct++;
        }
        double goal = targetQuality * strongRight;
        int k = 0;
        while (correct < goal - 1e-9 && k < n) {
            int i = order[k++];
            correct += (strongCorrect[i] ? 1 : 0) - (weakCorrect[i] ? 1 : 0);
            cost += strongCost[i] - weakCost[i];
        }
        return new SavingsReport(targetQuality, (double) k / n, (double) correct / n, (double) strongRight / n, cost,
                alwaysStrong);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "quality target %.0f%% of always-strong (%.2f%%): %.1f%% strong calls, accuracy %.2f%%, "
                        + "cost $%.4f vs $%.4f always-strong (saving %.1f%%)",
                targetQuality * 100, strongAccuracy * targetQuality * 100, strongShare * 100, accuracy * 100, cost,
                alwaysStrongCost, saving() * 100);
    }
}
