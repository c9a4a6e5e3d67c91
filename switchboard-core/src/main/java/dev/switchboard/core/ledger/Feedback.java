package dev.switchboard.core.ledger;

/**
 * A quality signal from the client for an earlier request: a score from 0 (useless) to 1 (right).
 * Thumbs up counts as 1, thumbs down as 0.
 */
public record Feedback(double score) {
    public Feedback {
        if (!(score >= 0 && score <= 1)) throw new IllegalArgumentException("score must be between 0 and 1 (was " + score + ")");
    }

    public static Feedback score(double score) {
        return new Feedback(score);
    }

    public static Feedback thumbs(boolean up) {
        return new Feedback(up ? 1 : 0);
    }
}
