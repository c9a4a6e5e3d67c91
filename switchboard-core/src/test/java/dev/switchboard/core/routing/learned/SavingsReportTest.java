package dev.switchboard.core.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.config.Prices;
import org.junit.jupiter.api.Test;

class SavingsReportTest {
    private static final Prices STRONG = new Prices(10, 30, 10, 10);
    private static final Prices WEAK = new Prices(1, 1, 1, 1);

    @Test
    void sendsTheHighestScoringPromptsToTheStrongModelUntilTheQualityTargetIsMet() {
        // strong is right on all 4; weak only on the two low-scoring ones
        double[] score = {0.9, 0.8, 0.1, 0.2};
        boolean[] weak = {false, false, true, true};
        boolean[] strong = {true, true, true, true};
        int[] in = {1000, 1000, 1000, 1000};
        SavingsReport r = SavingsReport.compute(0.75, score, weak, strong, in, 0, STRONG, WEAK);
        assertThat(r.strongShare()).isEqualTo(0.25);
        assertThat(r.accuracy()).isEqualTo(0.75);
        // one strong call ($0.01) and three weak ($0.001 each) against four strong calls
        assertThat(r.cost()).isCloseTo(0.013, within(1e-12));
        assertThat(r.alwaysStrongCost()).isCloseTo(0.04, within(1e-12));
        assertThat(r.saving()).isCloseTo(1 - 0.013 / 0.04, within(1e-12));
    }

    @Test
    void outputTokensAreChargedAtTheOutputPrice() {
        SavingsReport r = SavingsReport.compute(1.0, new double[] {1}, new boolean[] {false}, new boolean[] {true},
                new int[] {0}, 1_000_000, STRONG, WEAK);
        assertThat(r.strongShare()).isEqualTo(1.0);
        assertThat(r.cost()).isCloseTo(30, within(1e-9));
        assertThat(r.saving()).isZero();
    }
}
