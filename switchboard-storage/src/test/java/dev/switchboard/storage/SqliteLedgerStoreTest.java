package dev.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerStore;
import dev.switchboard.core.ledger.LedgerStoreUnavailableException;
import dev.switchboard.core.ledger.StatsQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLedgerStoreTest extends LedgerStoreContract {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("nested").resolve("ledger.db");
    }

    @Override
    protected LedgerStore newStore() {
        return new SqliteLedgerStore(file());
    }

    @Test
    void createsTheDatabaseFileAndItsDirectoryInWalMode() throws Exception {
        open();
        assertThat(file()).exists();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
                ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void migratesOnceAndRecordsTheSchemaVersion() throws Exception {
        open().close();
        open();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT version, success FROM " + LedgerMigrations.HISTORY_TABLE + " ORDER BY installed_rank")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("1");
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void closingTheLedgerWritesEveryQueuedRecordToTheFile() {
        // A flush interval and batch far beyond the test: only close() can have written these records.
        LedgerSettings settings = LedgerSettings.sqlite(file()).withQueue(20_000, 100_000, Duration.ofHours(1));
        Ledger ledger = Ledger.start(new SqliteLedgerStore(file()), settings, Ticker.SYSTEM);
        IntStream.range(0, 10_000).forEach(i -> ledger.record(part("req-" + i, 0, "qa_simple", 1, "granite4.1:3b", 10, 20)));

        ledger.close();

        assertThat(ledger.dropped()).isZero();
        assertThat(open().stats(StatsQuery.ALL).calls()).isEqualTo(10_000);
    }

    @Test
    void theFactoryOpensTheConfiguredSqliteFile() {
        var store = LedgerStoreFactory.openStore(LedgerSettings.sqlite(file())).orElseThrow();
        try {
            assertThat(store).isInstanceOf(SqliteLedgerStore.class);
            assertThat(Files.exists(file())).isTrue();
        } finally {
            store.close();
        }
        LedgerSettings off = new LedgerSettings(LedgerSettings.Store.NONE, file(), java.util.Optional.empty(), "public", 1, 1,
                Duration.ofSeconds(1));
        assertThat(LedgerStoreFactory.openStore(off)).isEmpty();
    }

    @Test
    void aFileThatIsNotADatabaseRefusesToOpenNamingTheKeyAndThePath() throws Exception {
        Path notADatabase = dir.resolve("notes.db");
        Files.writeString(notADatabase, "these are my notes, not a ledger\n".repeat(200));

        assertThatThrownBy(() -> LedgerStoreFactory.openStore(LedgerSettings.sqlite(notADatabase)))
                .isInstanceOf(LedgerStoreUnavailableException.class)
                .hasMessageStartingWith("cannot open the ledger at switchboard.ledger.path (" + notADatabase + "): ")
                .hasMessageContaining("not a database")
                .hasMessageContaining("switchboard.ledger.store: none")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Files.readString(notADatabase)).startsWith("these are my notes"); // left as it was
    }
}
