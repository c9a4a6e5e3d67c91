package dev.switchboard.core.spi;

import java.util.Optional;

/** One framed stream event: an SSE event (its {@code event:} name and joined {@code data:}) or an NDJSON line. */
public record Frame(Optional<String> event, String data) {
    public static Frame data(String data) {
        return new Frame(Optional.empty(), data);
    }
}
