package dev.switchboard.storage;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.Ledger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A gateway-shaped process for {@link LedgerSigtermIT}: queues records with a flush interval and batch
 * size too large to write any of them, says so, and waits for SIGTERM; its shutdown hook closes the
 * ledger as the server's does.
 */
public final class LedgerSigtermProcess {
    private LedgerSigtermProcess() {}

    public static void main(String[] args) throws InterruptedException {
        Path file = Path.of(args[0]);
        int records = Integer.parseInt(args[1]);
        LedgerSettings settings = LedgerSettings.sqlite(file).withQueue(records + 1, records + 1, Duration.ofHours(1));
        Ledger ledger = Ledger.start(new SqliteLedgerStore(file), settings, Ticker.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(ledger::close, "ledger-close"));
        for (int i = 0; i < records; i++) {
            ledger.record(LedgerStoreContract.part("req-" + i, 0, "qa_simple", 1, "granite4.1:3b", 10, 20));
        }
        System.out.println("queued " + records + " written " + ledger.written());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
