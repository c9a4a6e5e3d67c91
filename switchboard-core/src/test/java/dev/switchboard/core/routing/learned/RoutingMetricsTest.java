package dev.switchboard.core.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RoutingMetricsTest {
    private static boolean[] bits(String s) {
        boolean[] b = new boolean[s.length()];
        for (int i = 0; i < b.length; i++) b[i] = s.charAt(i) == '1';
        return b;
    }

    /** Reference values from {@code score.py --json} on the same 30 items. */
    @Test
    void agreesWithTheReferenceScorerOnASmallSample() {
        double[] score = {0.37, 0.066, 0.259, 0.47, 0.639, 0.868, 0.671, 0.591, 0.866, 0.879, 0.395, 0.936, 0.136,
            0.436, 0.507, 0.585, 0.682, 0.991, 0.861, 0.569, 0.832, 0.063, 0.089, 0.151, 0.873, 0.045, 0.881, 0.999,
            0.6, 0.408};
        RoutingMetrics m = RoutingMetrics.of(score, bits("101101111100010110000100110011"),
                bits("111011111101101100101101111111"));
        assertThat(m.weakAccuracy()).isCloseTo(53.3333, within(1e-3));
        assertThat(m.strongAccuracy()).isCloseTo(76.6667, within(1e-3));
        assertThat(m.apgr()).isCloseTo(0.592857, within(1e-5));
        assertThat(m.cpt50()).hasValueSatisfying(v -> assertThat(v).isCloseTo(25.0, within(1e-6)));
        assertThat(m.cpt80()).hasValueSatisfying(v -> assertThat(v).isCloseTo(56.0, within(1e-6)));
    }

    @Test
    void anOracleRouterBeatsAnInvertedOne() {
        boolean[] weak = bits("1100110011001100110011001100110011001100");
        boolean[] strong = bits("1111111111111111111111111111111111111111");
        double[] oracle = new double[weak.length];
        double[] inverted = new double[weak.length];
        for (int i = 0; i < weak.length; i++) {
            oracle[i] = (weak[i] ? 0 : 1) + i * 1e-3;
            inverted[i] = -oracle[i];
        }
        assertThat(RoutingMetrics.of(oracle, weak, strong).apgr()).isGreaterThan(0.7);
        assertThat(RoutingMetrics.of(inverted, weak, strong).apgr()).isLessThan(0.3);
    }
}
