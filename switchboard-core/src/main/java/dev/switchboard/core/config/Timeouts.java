package dev.switchboard.core.config;

import java.time.Duration;

/**
 * Limits on one upstream call.
 *
 * @param connect establishing the connection
 * @param firstByte streamed calls only (LiteLLM's {@code stream_timeout}): from sending the request to the response
 *     head. A whole answer's head comes when the model is done, so {@code total} alone bounds that wait
 * @param idle longest gap between two stream events; for a whole answer, between two reads of its body once it
 *     started arriving (a stalled transfer)
 * @param total the whole call (LiteLLM's {@code timeout})
 */
public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {
    public static final Timeouts DEFAULT =
            new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(600));

    /** The same limits, none longer than {@code cap}. */
    public Timeouts cappedAt(Duration cap) {
        return new Timeouts(min(connect, cap), min(firstByte, cap), min(idle, cap), min(total, cap));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
