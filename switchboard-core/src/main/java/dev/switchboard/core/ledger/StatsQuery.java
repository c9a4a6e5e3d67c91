package dev.switchboard.core.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * Which records the ledger statistics cover.
 *
 * @param from records at or after this time
 * @param to records before this time
 * @param caller only this principal's records
 */
public record StatsQuery(Optional<Instant> from, Optional<Instant> to, Optional<String> caller) {
    public static final StatsQuery ALL = new StatsQuery(Optional.empty(), Optional.empty(), Optional.empty());

    public static StatsQuery since(Instant from) {
        return new StatsQuery(Optional.of(from), Optional.empty(), Optional.empty());
    }

    public StatsQuery forCaller(String id) {
        return new StatsQuery(from, to, Optional.of(id));
    }
}
