package dev.switchboard.core.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * Which records the ledger statistics cover.
 *
 * @param from records at or after this time
 * @param to records before this time
 * @param caller only this principal's records
 * @param requestId only this request's records: the request itself and each of its parts
 */
public record StatsQuery(Optional<Instant> from, Optional<Instant> to, Optional<String> caller, Optional<String> requestId) {
    public static final StatsQuery ALL = new StatsQuery(Optional.empty(), Optional.empty(), Optional.empty());

    public StatsQuery(Optional<Instant> from, Optional<Instant> to, Optional<String> caller) {
        this(from, to, caller, Optional.empty());
    }

    /** One request's records, however many parts, tiers or attempts it had. */
    public static StatsQuery forRequest(String requestId) {
        return new StatsQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(requestId));
    }

    public static StatsQuery since(Instant from) {
        return new StatsQuery(Optional.of(from), Optional.empty(), Optional.empty());
    }

    public StatsQuery forCaller(String id) {
        return new StatsQuery(from, to, Optional.of(id), requestId);
    }
}
