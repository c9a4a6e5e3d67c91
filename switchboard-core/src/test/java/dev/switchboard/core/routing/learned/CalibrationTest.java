package dev.switchboard.core.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CalibrationTest {

    private static double[] skewedSample(int n, long seed) {
        Random random = new Random(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = Math.pow(random.nextDouble(), 3); // most scores near 0, like a real router
        return s;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.1, 0.3, 0.5, 0.8, 0.95})
    void thresholdSendsTheAskedShareOfASampleToTheStrongModel(double share) {
        double[] sample = skewedSample(5000, 42);
        double threshold = Calibration.threshold(sample, share);
        assertThat(Calibration.strongShare(sample, threshold)).isCloseTo(share, org.assertj.core.data.Offset.offset(0.01));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3, 0.5, 0.7})
    void theBundledModelsCalibrationHitsTheAskedShareOfItsSample(double share) {
        LearnedRouterModel model = LearnedRouterModel.bundled();
        float[] sample = model.calibrationScores();
        assertThat(sample.length).isGreaterThan(1000);
        double threshold = Calibration.threshold(sample, share);
        double[] scores = new double[sample.length];
        for (int i = 0; i < scores.length; i++) scores[i] = sample[i];
        assertThat(Calibration.strongShare(scores, threshold)).isCloseTo(share, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aHigherStrongShareGivesALowerThreshold() {
        double[] sample = skewedSample(1000, 1);
        assertThat(Calibration.threshold(sample, 0.2)).isGreaterThan(Calibration.threshold(sample, 0.6));
    }

    @Test
    void theExtremesSendAllOrNothingToTheStrongModel() {
        double[] sample = skewedSample(1000, 2);
        assertThat(Calibration.strongShare(sample, Calibration.threshold(sample, 1.0))).isEqualTo(1.0);
        assertThat(Calibration.strongShare(sample, Calibration.threshold(sample, 0.0))).isEqualTo(0.0);
    }

    @Test
    void refusesAShareOutsideZeroToOne() {
        assertThatThrownBy(() -> Calibration.threshold(new double[] {0.1}, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Calibration.threshold(new double[0], 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
