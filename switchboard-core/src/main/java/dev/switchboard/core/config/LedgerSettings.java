package dev.switchboard.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

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
 * @param spillPath where records go that the store cannot take at shutdown (it is unavailable then); the next start
 *     writes them to the store. Default: {@code ledger-spill.jsonl} beside {@code path}
 */
public record LedgerSettings(
        Store store,
        Path path,
        Optional<String> url,
        String schema,
        int queueCapacity,
        int batchSize,
        Duration flushInterval,
        Optional<Path> spillPath) {

    public static final Path DEFAULT_PATH = Path.of("data", "switchboard.db");
    public static final String DEFAULT_SCHEMA = "public";
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_BATCH_SIZE = 512;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(250);
    public static final String DEFAULT_SPILL_FILE = "ledger-spill.jsonl";

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

    /** The settings without a spill file, as before it was configurable: for callers that build their own. */
    public LedgerSettings(Store store, Path path, Optional<String> url, String schema, int queueCapacity, int batchSize,
            Duration flushInterval) {
        this(store, path, url, schema, queueCapacity, batchSize, flushInterval, Optional.of(spillBeside(path)));
    }

    static Path spillBeside(Path ledgerFile) {
        return ledgerFile.resolveSibling(DEFAULT_SPILL_FILE);
    }

    public static LedgerSettings defaults() {
        return new LedgerSettings(Store.SQLITE, DEFAULT_PATH, Optional.empty(), DEFAULT_SCHEMA, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL);
    }

    /** Reads the {@code switchboard.ledger} section; a bad value throws a {@link ConfigException} naming its key. */
    static LedgerSettings from(ConfigNode n) {
        n.onlyKeys(Set.of("store", "path", "url", "schema", "queue-capacity", "batch-size", "flush-interval", "spill-path"));
        LedgerSettings d = LedgerSettings.defaults();
        String storeName = n.get("store").string(d.store().key());
        LedgerSettings.Store store = Arrays.stream(LedgerSettings.Store.values())
                .filter(s -> s.key().equals(storeName)).findFirst()
                .orElseThrow(() -> n.get("store").error("must be sqlite, postgres or none (was '" + storeName + "')"));
        String path = n.get("path").string(d.path().toString());
        if (path.isBlank()) throw n.get("path").error("must not be empty");
        Optional<String> url = n.get("url").string().filter(s -> !s.isBlank());
        if (url.isPresent() && !url.get().startsWith("jdbc:postgresql:")) {
            throw n.get("url").error("must be a PostgreSQL JDBC URL starting with jdbc:postgresql:");
        }
        if (store == LedgerSettings.Store.POSTGRES && url.isEmpty()) throw n.get("url").error("is required when store is postgres");
        String schema = n.get("schema").string(d.schema());
        if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) throw n.get("schema").error("must be a plain SQL identifier (was '" + schema + "')");
        Path file;
        try {
            file = Path.of(path);
        } catch (InvalidPathException e) {
            throw n.get("path").error("is not a valid file path: " + e.getReason());
        }
        String spill = n.get("spill-path").string(spillBeside(file).toString());
        if (spill.isBlank()) throw n.get("spill-path").error("must not be empty");
        Path spillFile;
        try {
            spillFile = Path.of(spill);
        } catch (InvalidPathException e) {
            throw n.get("spill-path").error("is not a valid file path: " + e.getReason());
        }
        return new LedgerSettings(store, file, url, schema,
                n.get("queue-capacity").integer(d.queueCapacity(), 1, 10_000_000),
                n.get("batch-size").integer(d.batchSize(), 1, 100_000),
                n.get("flush-interval").duration(d.flushInterval()),
                Optional.of(spillFile));
    }

    /** The ledger turned off. */
    public static LedgerSettings none() {
        return new LedgerSettings(Store.NONE, DEFAULT_PATH, Optional.empty(), DEFAULT_SCHEMA, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL);
    }

    public static LedgerSettings sqlite(Path file) {
        return new LedgerSettings(Store.SQLITE, file, Optional.empty(), DEFAULT_SCHEMA, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL);
    }

    public LedgerSettings withQueue(int capacity, int batch, Duration interval) {
        return new LedgerSettings(store, path, url, schema, capacity, batch, interval, spillPath);
    }
}
