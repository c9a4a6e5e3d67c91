package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalsTest {
    @Test
    void writesTheDigitsStringFormatWrites() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            double v = random.nextDouble(-5, 5) * Math.pow(10, random.nextInt(-6, 4));
            for (int places : new int[] {2, 8}) {
                String expected = String.format(Locale.ROOT, "%." + places + "f", v);
                if (expected.matches("-0\\.0+")) expected = expected.substring(1);
                assertThat(Decimals.fixed(v, places)).as("%s at %d places", v, places).isEqualTo(expected);
            }
        }
    }

    @Test
    void roundsTheShortestDecimalHalfUpAsFormatterDoes() {
        assertThat(Decimals.fixed(1.005, 2)).isEqualTo("1.01"); // the double is 1.00499999…; Formatter rounds "1.005"
        assertThat(Decimals.fixed(0.125, 2)).isEqualTo("0.13");
        assertThat(Decimals.fixed(-0.125, 2)).isEqualTo("-0.13");
        assertThat(Decimals.usd(0.000000125)).isEqualTo("0.00000013");
        assertThat(Decimals.usd(12)).isEqualTo("12.00000000");
    }

    @Test
    void aValueThatRoundsToZeroHasNoSign() {
        assertThat(Decimals.fixed(-0.001, 2)).isEqualTo("0.00");
        assertThat(Decimals.fixed(-0.0, 2)).isEqualTo("0.00");
    }

    @Test
    void nonFiniteValuesPrintAsJavaDoes() {
        assertThat(Decimals.fixed(Double.NaN, 2)).isEqualTo("NaN");
        assertThat(Decimals.fixed(Double.POSITIVE_INFINITY, 2)).isEqualTo("Infinity");
    }

    @Test
    void summedDollarsRoundToTheHeadersEightPlaces() {
        double sum = 0;
        for (int i = 0; i < 10; i++) sum += 0.1;
        assertThat(sum).isNotEqualTo(1.0);
        assertThat(Decimals.roundedUsd(sum)).isEqualTo(1.0);
        assertThat(Decimals.roundedUsd(50.947427999999995)).isEqualTo(50.947428);
        assertThat(Decimals.roundedUsd(0.000000125)).isEqualTo(0.00000013);
        assertThat(Decimals.roundedUsd(Double.NaN)).isNaN();
    }
}
