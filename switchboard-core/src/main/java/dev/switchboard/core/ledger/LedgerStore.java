package dev.switchboard.core.ledger;

import java.util.List;

/**
 * Durable storage for ledger records. Called by the {@link Ledger}'s single writer thread for appends;
 * {@link #stats} may be called from any thread. Failures are unchecked exceptions.
 */
public interface LedgerStore extends AutoCloseable {

    /** Writes the records, all or none (one transaction). Must not keep a reference to the list. */
    void append(List<LedgerRecord> records);

    /**
     * Sets the quality signal of the request's records: the record with this id, and every record under it whose
     * answer the client got — the parts of a decomposed request, the tier a cascade served — not a part that failed,
     * a tier a cascade rejected or a judge's grading, which the rating is not about. A later signal replaces an
     * earlier one.
     *
     * @return how many records it reached (0 when the id is unknown)
     */
    int attachFeedback(String requestId, Feedback feedback);

    /** The request's records: the one with this id and its parts, in part order. Empty when unknown. */
    List<LedgerRecord> find(String requestId);

    LedgerStats stats(StatsQuery query);

    /** Releases connections; everything appended before is durable. */
    @Override
    void close();
}
