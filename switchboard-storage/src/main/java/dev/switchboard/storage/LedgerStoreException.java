package dev.switchboard.storage;

/** A ledger store could not read or write its database. */
public final class LedgerStoreException extends RuntimeException {
    public LedgerStoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
