package dev.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerStore;
import dev.switchboard.core.ledger.StatsQuery;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger store contract against a real PostgreSQL: the local server (127.0.0.1:5432, database
 * {@code test}) unless {@code SWITCHBOARD_TEST_POSTGRES_URL} names another. Each run works in its own
 * schema and drops it afterwards.
 */
class PostgresLedgerStoreIT extends LedgerStoreContract {
    private static String url;
    private static final String SCHEMA_PREFIX = "ledger_it_";
    private static final List<String> CREATED = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String schema = newSchema();

    @BeforeAll
    static void findServer() {
        String configured = System.getenv("SWITCHBOARD_TEST_POSTGRES_URL");
        List<String> candidates = configured != null ? List.of(configured) : List.of(
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=root");
        for (String candidate : candidates) {
            try (Connection c = DriverManager.getConnection(candidate)) {
                url = candidate;
                return;
            } catch (SQLException e) {
                // try the next user
            }
        }
        fail("no PostgreSQL at " + candidates + "; set SWITCHBOARD_TEST_POSTGRES_URL to a reachable database");
    }

    private static String newSchema() {
        return SCHEMA_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    @Override
    protected LedgerStore newStore() {
        return new PostgresLedgerStore(url, schema);
    }

    @Override
    protected void cleanUp() {
        drop(schema);
        CREATED.add(schema);
    }

    @AfterAll
    static void noSchemaLeftBehind() throws SQLException {
        assertThat(CREATED).isNotEmpty();
        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.createStatement().executeQuery("SELECT schema_name FROM information_schema.schemata")) {
            List<String> present = new java.util.ArrayList<>();
            while (rs.next()) present.add(rs.getString(1));
            assertThat(present).doesNotContainAnyElementsOf(CREATED);
        }
    }

    private static void drop(String schema) {
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema, e);
        }
    }

    @Test
    void migrationsCreateTheSchemaWithItsOwnHistoryTable() throws SQLException {
        open();
        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.createStatement().executeQuery("SELECT table_name FROM information_schema.tables "
                        + "WHERE table_schema = '" + schema + "' ORDER BY table_name")) {
            List<String> tables = new java.util.ArrayList<>();
            while (rs.next()) tables.add(rs.getString(1));
            assertThat(tables).containsExactly("ledger", LedgerMigrations.HISTORY_TABLE);
        }
    }

    @Test
    void closingTheLedgerWritesEveryQueuedRecordToPostgres() {
        LedgerSettings settings = new LedgerSettings(LedgerSettings.Store.POSTGRES, LedgerSettings.DEFAULT_PATH,
                Optional.of(url), schema, 10_000, 100_000, Duration.ofHours(1));
        Ledger ledger = LedgerStoreFactory.start(settings, Ticker.SYSTEM).orElseThrow();
        IntStream.range(0, 5_000).forEach(i -> ledger.record(part("req-" + i, 0, "qa_simple", 1, "granite4.1:3b", 10, 20)));

        ledger.close();

        assertThat(ledger.dropped()).isZero();
        assertThat(open().stats(StatsQuery.ALL).calls()).isEqualTo(5_000);
    }
}
