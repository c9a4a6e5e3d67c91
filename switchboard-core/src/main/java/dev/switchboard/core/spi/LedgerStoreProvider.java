package dev.switchboard.core.spi;

import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.LedgerStore;
import java.util.Optional;

/**
 * Opens the ledger store the config asks for; found with {@link java.util.ServiceLoader} so the core does
 * not depend on JDBC drivers. Empty when the config turns the ledger off.
 */
public interface LedgerStoreProvider {
    Optional<LedgerStore> open(LedgerSettings settings);
}
