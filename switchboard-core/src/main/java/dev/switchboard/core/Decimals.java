package dev.switchboard.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fixed-point text for numbers in headers and explanations. Same digits as {@code String.format("%.Nf")} (which
 * also rounds the shortest decimal form half-up) at a fraction of its cost: {@code Formatter} parses its pattern
 * on every call, which was a fifth of a routing decision's time.
 */
public final class Decimals {
    private Decimals() {
    }

    /** {@code v} with exactly {@code places} digits after the point; a value that rounds to zero prints unsigned. */
    public static String fixed(double v, int places) {
        if (!Double.isFinite(v)) return Double.toString(v);
        return BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).toPlainString();
    }

    /** US dollars as the cost headers carry them: eight places. */
    public static String usd(double v) {
        return fixed(v, 8);
    }

    /** A sum of dollars for a JSON number, to the headers' eight places: no {@code 50.947427999999995} from adding doubles. */
    public static double roundedUsd(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e8) / 1e8 : v;
    }
}
