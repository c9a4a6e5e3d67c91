package dev.switchboard.core;

/**
 * The source of time for everything that measures or waits: tests substitute a manual ticker and move
 * time instead of sleeping.
 */
public interface Ticker {
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }
    };

    /** Monotonic nanoseconds, for durations. */
    long nanoTime();

    /** Wall-clock milliseconds, for timestamps. */
    long epochMillis();

    default long epochSeconds() {
        return epochMillis() / 1000;
    }
}
