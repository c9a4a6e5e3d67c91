package dev.switchboard.storage;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.ledger.StatsQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sustained ledger throughput: records pushed through the {@link Ledger} front (default queue, batch and
 * flush settings) into a SQLite file, timed until the last one is written. The producer never lets the
 * queue overflow, so the figure is what the writer sustains, not how fast records can be dropped.
 *
 * <p>Run: {@code ./mvnw -q -pl switchboard-storage -am verify -Pledger-bench -DskipTests
 * [-Dledger.bench.records=200000]}
 */
public final class LedgerThroughputBenchmark {
    private LedgerThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int warmup = Math.max(records / 4, 10_000);
        Path dir = Files.createTempDirectory("ledger-bench");
        Path file = dir.resolve("ledger.db");
        LedgerSettings settings = LedgerSettings.sqlite(file);
        Ledger ledger = Ledger.start(new SqliteLedgerStore(file), settings, Ticker.SYSTEM);

        push(ledger, settings.queueCapacity(), warmup, "warm-");
        ledger.flush().get();

        long start = System.nanoTime();
        push(ledger, settings.queueCapacity(), records, "req-");
        ledger.flush().get();
        double seconds = (System.nanoTime() - start) / 1e9;
        ledger.close();

        long stored;
        try (SqliteLedgerStore check = new SqliteLedgerStore(file)) {
            stored = check.stats(StatsQuery.ALL).calls();
        }
        System.out.printf("ledger throughput: %,d records in %.2f s = %,.0f records/s sustained%n", records, seconds,
                records / seconds);
        System.out.printf("  SQLite WAL, queue-capacity %d, batch-size %d, flush-interval %s; dropped %d, failed %d, "
                + "rows in file %,d (expected %,d)%n", settings.queueCapacity(), settings.batchSize(),
                settings.flushInterval(), ledger.dropped(), ledger.failed(), stored, warmup + records);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(dir);
        if (stored != warmup + records) throw new IllegalStateException("records were lost");
    }

    private static void push(Ledger ledger, int capacity, int count, String prefix) {
        for (int i = 0; i < count; i++) {
            // One producer: waiting here while the queue is full keeps every record (the gateway drops instead).
            while (ledger.queued() >= capacity) LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            ledger.record(record(prefix + i, i));
        }
    }

    private static LedgerRecord record(String id, int i) {
        int in = 200 + i % 1000;
        int out = 300 + i % 700;
        return LedgerRecord.builder(id).time(java.time.Instant.ofEpochMilli(1_767_225_600_000L + i)).parent("p-" + (i / 3), i % 3)
                .caller("team-" + (i % 7)).taskType(i % 2 == 0 ? "documentation" : "code_generation")
                .complexity((i % 100) / 100.0).tier(1 + i % 4).modelGroup("model-" + (i % 4))
                .deployment("tier" + (1 + i % 4), "simulated", "model-" + (i % 4)).latencyMs(100 + i % 900)
                .usage(dev.switchboard.core.model.Usage.of(in, out))
                .cost((in * 0.2 + out * 0.8) / 1e6, (in * 3.0 + out * 15.0) / 1e6, "bench").attempts(1)
                .router("utility").build();
    }
}
