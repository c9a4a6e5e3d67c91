package dev.switchboard.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where and how the routing ledger is written (config section {@code switchboard.ledger}).
 *
 * @param store which store keeps the records; {@link Store#NONE} turns the ledger off
 * @param path the SQLite file (default {@code ./data/switchboard.db}); its directory is created
 * @param url the PostgreSQL JDBC URL, e.g. {@code jdbc:postgresql://db:5432/switchboard?user=sb}; required
 *     for {@link Store#POSTGRES}
 * @param schema the PostgreSQL schema that holds the ledger tables (created by the migrations)
 * @param queueCapacity records waiting to be written; when full, new records are dropped and counted
 *     (the request never waits for the ledger)
 * @param batchSize most records written in one transaction
 * @param flushInterval longest a record waits in the queue before its batch is written
 */
public record LedgerSettings(
        Store store,
        Path path,
        Optional<String> url,
        String schema,
        int queueCapacity,
        int batchSize,
        Duration flushInterval) {

    public static final Path DEFAULT_PATH = Path.of("data", "switchboard.db");
    public static final String DEFAULT_SCHEMA = "public";
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_BATCH_SIZE = 512;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(250);

    public enum Store {
        SQLITE, POSTGRES, NONE;

        /** The config spelling: {@code sqlite}, {@code postgres}, {@code none}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public LedgerSettings {
        if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be positive");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be positive");
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval must be positive");
        }
    }

    public static LedgerSettings defaults() {
        return new LedgerSettings(Store.SQLITE, DEFAULT_PATH, Optional.empty(), DEFAULT_SCHEMA, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL);
    }

    public static LedgerSettings sqlite(Path file) {
        return new LedgerSettings(Store.SQLITE, file, Optional.empty(), DEFAULT_SCHEMA, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL);
    }

    public LedgerSettings withQueue(int capacity, int batch, Duration interval) {
        return new LedgerSettings(store, path, url, schema, capacity, batch, interval);
    }
}
