package dev.switchboard.storage;

import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings a ledger database to the current schema with Flyway. Flyway over Liquibase: its current
 * versions support both of our databases — SQLite in flyway-core, PostgreSQL in
 * flyway-database-postgresql — with plain SQL scripts and no XML changelog; the two dialects only need
 * their own script folder ({@code db/ledger/sqlite}, {@code db/ledger/postgresql}).
 */
final class LedgerMigrations {
    /** Our own history table, so the ledger can share a database with other Flyway users. */
    static final String HISTORY_TABLE = "switchboard_ledger_schema_history";

    private LedgerMigrations() {}

    static void migrate(DataSource dataSource, String dialect, Optional<String> schema) {
        var config = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/ledger/" + dialect)
                .table(HISTORY_TABLE)
                .cleanDisabled(true);
        schema.ifPresent(s -> config.schemas(s).defaultSchema(s).createSchemas(true));
        try {
            config.load().migrate();
        } catch (FlywayException e) {
            throw new LedgerStoreException("cannot migrate the ledger database", e);
        }
    }
}
