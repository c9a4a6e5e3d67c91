package dev.switchboard.core.config;

/** Prices in US dollars per one million tokens. */
public record Prices(double inputPerMillion, double outputPerMillion, double cachedInputPerMillion,
        double cacheWritePerMillion) {
    public static final Prices FREE = new Prices(0, 0, 0, 0);

    public boolean isFree() {
        return inputPerMillion == 0 && outputPerMillion == 0;
    }
}
