package dev.switchboard.storage;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerStore;
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

    /** The configured store, opened and migrated; empty when the ledger is off ({@code store: none}). */
    public static Optional<LedgerStore> openStore(LedgerSettings settings) {
        return switch (settings.store()) {
            case SQLITE -> Optional.of(new SqliteLedgerStore(settings.path()));
            case POSTGRES -> Optional.of(new PostgresLedgerStore(settings.url().orElseThrow(() ->
                    new IllegalArgumentException("switchboard.ledger.url is required for the postgres store")), settings.schema()));
            case NONE -> Optional.empty();
        };
    }

    /** The configured store behind a running {@link Ledger}; empty when the ledger is off. */
    public static Optional<Ledger> start(LedgerSettings settings, Ticker ticker) {
        return openStore(settings).map(store -> Ledger.start(store, settings, ticker));
    }
}
