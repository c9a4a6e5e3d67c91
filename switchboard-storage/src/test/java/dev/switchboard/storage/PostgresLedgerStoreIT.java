package dev.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.Feedback;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerStore;
import dev.switchboard.core.ledger.LedgerStoreUnavailableException;
import dev.switchboard.core.ledger.StatsQuery;
import dev.switchboard.testkit.TcpRelay;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** A relay in front of the server, standing for the network path to it: cut, the database is gone. */
    private static TcpRelay relayToServer() {
        Matcher m = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/").matcher(url);
        if (!m.lookingAt()) throw new IllegalStateException("cannot tell host and port from " + url);
        return TcpRelay.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
    }

    private static String through(TcpRelay relay) {
        return url.replaceFirst("//[^/]+/", "//127.0.0.1:" + relay.port() + "/");
    }

    private static void await(String what, java.util.function.BooleanSupplier done, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("not within " + atMost + ": " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void aDatabaseOutageLosesNoRecordAndTheLedgerWritesWhatItKeptOnceTheDatabaseIsBack() throws Exception {
        try (TcpRelay relay = relayToServer()) {
            LedgerSettings settings = new LedgerSettings(LedgerSettings.Store.POSTGRES, LedgerSettings.DEFAULT_PATH,
                    Optional.of(through(relay)), schema, 10_000, 100, Duration.ofMillis(20));
            Ledger ledger = LedgerStoreFactory.start(settings, Ticker.SYSTEM).orElseThrow();
            try {
                IntStream.range(0, 50).forEach(i -> ledger.record(part("before-" + i, 0, "qa_simple", 1, "granite4.1:3b", 10, 20)));
                ledger.flush().get(30, TimeUnit.SECONDS);

                relay.cut();
                IntStream.range(0, 300).forEach(i -> ledger.record(part("during-" + i, 0, "qa_simple", 1, "granite4.1:3b", 10, 20)));
                await("the writer finds the database gone", () -> !ledger.storeAvailable() || ledger.failed() > 0,
                        Duration.ofSeconds(40));
                assertThat(ledger.written()).isEqualTo(50);

                relay.restore();
                await("every record written", () -> ledger.written() + ledger.failed() == 350, Duration.ofSeconds(60));
                assertThat(ledger.failed()).isZero();
                assertThat(ledger.dropped()).isZero();
                assertThat(ledger.storeAvailable()).isTrue();
            } finally {
                ledger.close();
            }
        }
        assertThat(open().stats(StatsQuery.ALL).calls()).isEqualTo(350);
    }

    @Test
    void recordsQueuedWhenTheDatabaseIsDownAtShutdownAreSavedAndWrittenAtTheNextStart(@TempDir Path dir) throws Exception {
        Path spill = dir.resolve("ledger-spill.jsonl");
        try (TcpRelay relay = relayToServer()) {
            LedgerSettings settings = new LedgerSettings(LedgerSettings.Store.POSTGRES, LedgerSettings.DEFAULT_PATH,
                    Optional.of(through(relay)), schema, 10_000, 100, Duration.ofMillis(20), Optional.of(spill));
            Ledger ledger = LedgerStoreFactory.start(settings, Ticker.SYSTEM).orElseThrow();
            IntStream.range(0, 10).forEach(i -> ledger.record(part("before-" + i, 0, "qa_simple", 1, "granite4.1:3b", 10, 20)));
            ledger.flush().get(30, TimeUnit.SECONDS);

            relay.cut();
            IntStream.range(0, 200).forEach(i -> ledger.record(part("during-" + i, 0, "qa_simple", 1, "granite4.1:3b", 10, 20)));
            ledger.close();

            assertThat(ledger.failed()).isZero();
            assertThat(ledger.spilled()).isEqualTo(200);
            assertThat(open().stats(StatsQuery.ALL).calls()).isEqualTo(10);

            relay.restore();
            LedgerStoreFactory.start(settings, Ticker.SYSTEM).orElseThrow().close();
        }
        assertThat(open().stats(StatsQuery.ALL).calls()).isEqualTo(210);
        assertThat(open().find("during-199")).hasSize(1);
        assertThat(spill).doesNotExist();
    }

    @Test
    void aGoneDatabaseIsReportedUnavailableWithinSecondsAndServesAgainOnceBack() throws Exception {
        try (TcpRelay relay = relayToServer()) {
            LedgerStore store = new PostgresLedgerStore(through(relay), schema);
            try {
                store.append(List.of(part("req-1", 0, "qa_simple", 1, "granite4.1:3b", 10, 20)));
                relay.cut();

                long start = System.nanoTime();
                assertThatThrownBy(() -> store.stats(StatsQuery.ALL)).isInstanceOf(LedgerStoreUnavailableException.class)
                        .hasMessageStartingWith("could not compute ledger statistics");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
                assertThatThrownBy(() -> store.append(List.of(part("req-2", 0, "qa_simple", 1, "granite4.1:3b", 10, 20))))
                        .isInstanceOf(LedgerStoreUnavailableException.class);
                assertThatThrownBy(() -> store.attachFeedback("req-1", Feedback.thumbs(true)))
                        .isInstanceOf(LedgerStoreUnavailableException.class);

                relay.restore();
                assertThat(store.stats(StatsQuery.ALL).calls()).isEqualTo(1);
            } finally {
                store.close();
            }
        }
    }

    /** A standby, or a role whose transactions are read-only: it migrates and answers reads, but takes no record. */
    @Test
    void aDatabaseThatTakesNoWritesRefusesToOpenInsteadOfLosingEveryRecord() {
        open().close(); // the schema exists and is migrated: opening it again needs no write
        String readOnly = url + (url.contains("?") ? "&" : "?") + "options=-c%20default_transaction_read_only%3Don";
        LedgerSettings settings = new LedgerSettings(LedgerSettings.Store.POSTGRES, LedgerSettings.DEFAULT_PATH,
                Optional.of(readOnly), schema, 10, 10, Duration.ofSeconds(1));

        assertThatThrownBy(() -> LedgerStoreFactory.openStore(settings))
                .isInstanceOf(LedgerStoreUnavailableException.class)
                .hasMessageStartingWith("cannot open the ledger at switchboard.ledger.url (")
                .hasMessageContaining("the ledger database cannot be written: ")
                .hasMessageContaining("read-only transaction");
    }

    @Test
    void anUnreachableDatabaseRefusesToStartNamingTheKeyButNotThePassword() throws Exception {
        // A port bound with nothing listening refuses every connection, and no other socket can take it meanwhile
        // (a port merely closed again could be handed to another test's listener).
        try (Socket reserved = new Socket()) {
            reserved.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = reserved.getLocalPort();
            String unreachable = "jdbc:postgresql://127.0.0.1:" + port + "/ledger?user=switchboard&password=s3cret-pw";
            LedgerSettings settings = new LedgerSettings(LedgerSettings.Store.POSTGRES, LedgerSettings.DEFAULT_PATH,
                    Optional.of(unreachable), schema, 10, 10, Duration.ofSeconds(1));

            assertThatThrownBy(() -> LedgerStoreFactory.openStore(settings))
                    .isInstanceOf(LedgerStoreUnavailableException.class)
                    .hasMessageStartingWith("cannot open the ledger at switchboard.ledger.url (jdbc:postgresql://127.0.0.1:"
                            + port + "/ledger): ")
                    .hasMessageContaining("refused")
                    .hasMessageNotContaining("s3cret-pw");
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
