package dev.switchboard.core.ledger;

/**
 * The store could not be reached (connection refused or lost, pool exhausted, database locked): the records
 * themselves are fine, so the {@link Ledger} keeps them and writes them again once the store answers. Any other
 * failure of {@link LedgerStore#append} is about the batch itself, which would fail again.
 */
public class LedgerStoreUnavailableException extends RuntimeException {
    public LedgerStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
