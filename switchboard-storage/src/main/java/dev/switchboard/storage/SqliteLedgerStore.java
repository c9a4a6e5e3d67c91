package dev.switchboard.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded ledger store: one SQLite file in WAL mode, so statistics and feedback read while the
 * ledger's writer appends. {@code synchronous=NORMAL}: with WAL a crash of the process loses nothing that
 * was committed; only a power cut can take back the last commits.
 */
public final class SqliteLedgerStore extends JdbcLedgerStore {
    /** The ledger's writer, a feedback update and a statistics read at the same time, plus one spare. */
    static final int POOL_SIZE = 4;
    /** How long a connection waits for another's write lock before failing. */
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final Path file;

    /** Opens (or creates) the ledger database at {@code file}, creating its directory and migrating its schema. */
    public SqliteLedgerStore(Path file) {
        super(open(file), "ledger");
        this.file = file;
    }

    public Path file() {
        return file;
    }

    private static HikariDataSource open(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            if (absolute.getParent() != null) Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new LedgerStoreException("cannot create the directory of the ledger database " + absolute, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + absolute);

        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        pool.setPoolName("switchboard-ledger-sqlite");
        pool.setMaximumPoolSize(POOL_SIZE);
        pool.setMinimumIdle(1);
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            LedgerMigrations.migrate(dataSource, "sqlite", java.util.Optional.empty());
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }
}
