package dev.switchboard.storage;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerStore;
import dev.switchboard.core.ledger.LedgerStoreUnavailableException;
import dev.switchboard.core.spi.LedgerStoreProvider;
import java.util.Optional;

/** Builds the ledger store the config asks for ({@code switchboard.ledger.store}). */
public final class LedgerStoreFactory implements LedgerStoreProvider {
    /** For {@link java.util.ServiceLoader}. */
    public LedgerStoreFactory() {}

    @Override
    public Optional<LedgerStore> open(LedgerSettings settings) {
        return openStore(settings);
    }

    /**
     * The configured store, opened and migrated; empty when the ledger is off ({@code store: none}).
     *
     * @throws LedgerStoreUnavailableException when the database cannot be opened, naming the key that locates it
     */
    public static Optional<LedgerStore> openStore(LedgerSettings settings) {
        return switch (settings.store()) {
            case SQLITE -> {
                try {
                    yield Optional.of(new SqliteLedgerStore(settings.path()));
                } catch (RuntimeException e) {
                    throw cannotOpen("switchboard.ledger.path (" + settings.path().toAbsolutePath() + ")", e);
                }
            }
            case POSTGRES -> {
                String url = settings.url().orElseThrow(() ->
                        new IllegalArgumentException("switchboard.ledger.url is required for the postgres store"));
                try {
                    yield Optional.of(new PostgresLedgerStore(url, settings.schema()));
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // The query string may hold a password: the URL is named without it.
                    int query = url.indexOf('?');
                    throw cannotOpen("switchboard.ledger.url (" + (query < 0 ? url : url.substring(0, query)) + ")", e);
                }
            }
            case NONE -> Optional.empty();
        };
    }

    private static LedgerStoreUnavailableException cannotOpen(String where, RuntimeException e) {
        String why = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip();
        return new LedgerStoreUnavailableException("cannot open the ledger at " + where + ": " + why
                + " (fix the key, make the database reachable, or set switchboard.ledger.store: none to run without "
                + "a ledger)", e);
    }

    /** The configured store behind a running {@link Ledger}; empty when the ledger is off. */
    public static Optional<Ledger> start(LedgerSettings settings, Ticker ticker) {
        return openStore(settings).map(store -> Ledger.start(store, settings, ticker));
    }
}
