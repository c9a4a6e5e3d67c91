package dev.switchboard.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.model.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
    private final RecordingLedgerStore store = new RecordingLedgerStore();
    private final ManualTicker ticker = new ManualTicker();

    private Ledger manual(int capacity, int batchSize, Duration flushInterval) {
        return new Ledger(store, capacity, batchSize, flushInterval, ticker);
    }

    private static LedgerRecord record(String id) {
        return LedgerRecord.builder(id).time(Instant.parse("2026-01-01T00:00:00Z")).caller("team-a")
                .modelGroup("llama3.2").deployment("tier2-llama3.2", "simulated", "llama3.2")
                .usage(Usage.of(10, 20)).cost(0.001, 0.01, "2026-01").router("utility").build();
    }

    @Test
    void holdsAPartialBatchUntilItsOldestRecordHasWaitedTheFlushInterval() {
        Ledger ledger = manual(100, 5, Duration.ofMillis(100));
        ledger.record(record("a"));
        ledger.record(record("b"));
        ledger.record(record("c"));

        ledger.pump();
        ticker.advance(Duration.ofMillis(99));
        ledger.pump();
        assertThat(store.batches).isEmpty();

        ticker.advance(Duration.ofMillis(1));
        ledger.pump();
        assertThat(store.batchSizes()).containsExactly(3);
        assertThat(ledger.written()).isEqualTo(3);
    }

    @Test
    void aRecordQueuedWhileTheWriterSleptWaitsNoLongerThanTheFlushInterval() {
        Ledger ledger = manual(100, 5, Duration.ofMillis(100));
        ledger.pump();
        ticker.advance(Duration.ofMillis(60));
        ledger.record(record("late"));
        ledger.pump(); // the writer cannot know when it arrived, only that it was after the last look
        ticker.advance(Duration.ofMillis(39));
        ledger.pump();
        assertThat(store.batches).isEmpty();

        ticker.advance(Duration.ofMillis(1));
        ledger.pump();
        assertThat(store.batchSizes()).containsExactly(1);
    }

    @Test
    void aFullBatchWakesTheSleepingWriter() throws InterruptedException {
        Ledger ledger = Ledger.start(store, LedgerSettings.defaults().withQueue(100, 10, Duration.ofHours(1)), Ticker.SYSTEM);
        IntStream.range(0, 10).forEach(i -> ledger.record(record("r" + i)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ledger.written() < 10 && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(ledger.written()).isEqualTo(10);
        assertThat(store.batchSizes()).containsExactly(10);
        ledger.close();
    }

    @Test
    void writesFullBatchesWithoutWaitingForTheFlushInterval() {
        Ledger ledger = manual(100, 5, Duration.ofHours(1));
        IntStream.range(0, 12).forEach(i -> ledger.record(record("r" + i)));

        ledger.pump();
        ledger.pump();
        ledger.pump();

        assertThat(store.batchSizes()).containsExactly(5, 5);
        assertThat(store.records()).extracting(LedgerRecord::requestId)
                .containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
    }

    @Test
    void dropsAndCountsRecordsWhenTheQueueIsFullInsteadOfBlocking() {
        Ledger ledger = manual(4, 10, Duration.ofHours(1));
        IntStream.range(0, 7).forEach(i -> ledger.record(record("r" + i)));

        assertThat(ledger.dropped()).isEqualTo(3);
        assertThat(ledger.queued()).isEqualTo(4);
        ledger.close();
        assertThat(store.records()).extracting(LedgerRecord::requestId).containsExactly("r0", "r1", "r2", "r3");
    }

    @Test
    void closeWritesEveryQueuedRecordAndThenClosesTheStore() {
        Ledger ledger = manual(1000, 64, Duration.ofHours(1));
        IntStream.range(0, 150).forEach(i -> ledger.record(record("r" + i)));

        ledger.close();

        assertThat(store.records()).hasSize(150);
        assertThat(store.batchSizes()).containsExactly(64, 64, 22);
        assertThat(store.calls).last().isEqualTo("close");
        assertThat(ledger.dropped()).isZero();
    }

    @Test
    void recordsAfterCloseAreDroppedAndCounted() {
        Ledger ledger = manual(10, 10, Duration.ofHours(1));
        ledger.close();
        ledger.record(record("late"));
        assertThat(ledger.dropped()).isEqualTo(1);
        assertThat(store.records()).isEmpty();
    }

    @Test
    void feedbackWaitsForTheRecordsQueuedBeforeIt() throws Exception {
        Ledger ledger = manual(100, 50, Duration.ofHours(1));
        ledger.record(LedgerRecord.builder("part-0").parent("req-1", 0).build());
        ledger.record(LedgerRecord.builder("part-1").parent("req-1", 1).build());
        var done = ledger.attachFeedback("req-1", Feedback.thumbs(true));
        assertThat(done).isNotDone();

        ledger.pump();

        assertThat(done.get()).isEqualTo(2);
        assertThat(store.calls).containsExactly("append 2", "feedback req-1");
    }

    @Test
    void flushCompletesOnceQueuedRecordsAreWritten() throws Exception {
        Ledger ledger = manual(100, 50, Duration.ofHours(1));
        ledger.record(record("a"));
        var flushed = ledger.flush();
        assertThat(flushed).isNotDone();

        ledger.pump();

        flushed.get();
        assertThat(store.records()).hasSize(1);
    }

    @Test
    void aFailingStoreLosesOnlyItsBatchAndFlushReportsTheFailure() {
        Ledger ledger = manual(100, 2, Duration.ofHours(1));
        store.failAppends = true;
        ledger.record(record("a"));
        ledger.record(record("b"));
        ledger.pump();
        assertThat(ledger.failed()).isEqualTo(2);

        ledger.record(record("c"));
        var flushed = ledger.flush();
        ledger.pump();
        assertThatThrownBy(flushed::get).isInstanceOf(ExecutionException.class).hasMessageContaining("failed to write");

        store.failAppends = false;
        ledger.record(record("d"));
        ledger.close();
        assertThat(store.records()).extracting(LedgerRecord::requestId).containsExactly("d");
        assertThat(ledger.failed()).isEqualTo(3);
        assertThat(ledger.written()).isEqualTo(1);
    }

    @Test
    void anUnavailableStoreKeepsItsBatchAndGetsItAfterABackOffWhileTheQueueBuffers() throws Exception {
        Ledger ledger = manual(100, 2, Duration.ofMillis(100));
        store.unavailable = true;
        ledger.record(record("a"));
        ledger.record(record("b"));
        ledger.pump();
        assertThat(store.calls).containsExactly("append 2");
        assertThat(ledger.failed()).isZero();

        ledger.record(record("c"));
        ledger.record(record("d"));
        ledger.record(record("e"));
        ticker.advance(Duration.ofMillis(Ledger.FIRST_RETRY_MILLIS - 1));
        ledger.pump();
        assertThat(store.calls).hasSize(1); // not before the back-off
        assertThat(ledger.queued()).isEqualTo(3); // the queue holds what came meanwhile

        ticker.advance(Duration.ofMillis(1));
        ledger.pump();
        assertThat(store.calls).hasSize(2); // still down: the next attempt waits twice as long
        ticker.advance(Duration.ofMillis(2 * Ledger.FIRST_RETRY_MILLIS - 1));
        ledger.pump();
        assertThat(store.calls).hasSize(2);

        store.unavailable = false;
        ticker.advance(Duration.ofMillis(1));
        ledger.pump();
        assertThat(store.batchSizes()).containsExactly(2, 2);
        ledger.close();
        assertThat(store.records()).extracting(LedgerRecord::requestId).containsExactly("a", "b", "c", "d", "e");
        assertThat(ledger.failed()).isZero();
        assertThat(ledger.dropped()).isZero();
        assertThat(ledger.written()).isEqualTo(5);
    }

    @Test
    void anOutageLongerThanTheQueueDropsAndCountsOnlyWhatDoesNotFit() {
        Ledger ledger = manual(3, 2, Duration.ofMillis(100));
        store.unavailable = true;
        ledger.record(record("a"));
        ledger.record(record("b"));
        ledger.pump();
        IntStream.range(0, 5).forEach(i -> ledger.record(record("late" + i)));
        assertThat(ledger.dropped()).isEqualTo(2);

        store.unavailable = false;
        ticker.advance(Duration.ofMillis(Ledger.FIRST_RETRY_MILLIS));
        ledger.pump();
        ledger.close();
        assertThat(store.records()).extracting(LedgerRecord::requestId).containsExactly("a", "b", "late0", "late1", "late2");
        assertThat(ledger.failed()).isZero();
    }

    @Test
    void feedbackWhileTheStoreIsUnavailableFailsAtOnceInsteadOfLandingLater() {
        Ledger ledger = manual(100, 1, Duration.ofMillis(100));
        store.unavailable = true;
        ledger.record(record("a"));
        ledger.pump();

        var feedback = ledger.attachFeedback("a", Feedback.thumbs(true));
        assertThat(feedback).isCompletedExceptionally();
        assertThatThrownBy(feedback::get).hasMessageContaining("unavailable");
        store.unavailable = false;
        ticker.advance(Duration.ofMillis(Ledger.FIRST_RETRY_MILLIS));
        ledger.pump();
        assertThat(store.calls).doesNotContain("feedback a");
        ledger.close();
    }

    @Test
    void feedbackItsCallerStoppedWaitingForIsNotAttached() {
        Ledger ledger = manual(100, 50, Duration.ofHours(1));
        var feedback = ledger.attachFeedback("a", Feedback.thumbs(true));
        feedback.cancel(false);
        ledger.pump();
        assertThat(store.calls).doesNotContain("feedback a");
        ledger.close();
    }

    @Test
    void closingWhileTheStoreIsUnavailableTriesOnceAndCountsWhatItCouldNotWrite() {
        Ledger ledger = manual(100, 2, Duration.ofMillis(100));
        store.unavailable = true;
        ledger.record(record("a"));
        ledger.record(record("b"));
        ledger.pump();
        IntStream.range(0, 5).forEach(i -> ledger.record(record("r" + i)));

        ledger.close();

        assertThat(ledger.failed()).isEqualTo(7);
        assertThat(store.calls).containsExactly("append 2", "append 7", "close");
    }

    @Test
    void closingWhileTheStoreIsUnavailableSavesWhatItCouldNotWriteAndTheNextStartWritesIt(@TempDir Path dir)
            throws Exception {
        Path spillFile = dir.resolve("ledger-spill.jsonl");
        Ledger ledger = new Ledger(store, 100, 2, Duration.ofMillis(100), ticker, new LedgerSpill(spillFile));
        store.unavailable = true;
        LedgerRecord rich = LedgerRecord.builder("part-1").time(Instant.parse("2026-03-04T05:06:07.123Z")).caller("team-b")
                .parent("whole", 1).taskType("code").complexity(0.75).tier(3).latencyMs(812).modelGroup("smart").deployment("d1", "openai", "gpt-4o")
                .usage(new Usage(100, 50, 20, 5, 7, java.util.Optional.of(
                        (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree("{\"prompt_tokens_details\":{\"audio_tokens\":3}}"))))
                .cost(0.25, 1.5, "2026-03").status("rate_limited").fallbacksUsed(1).attempts(3).quality(0.5).router("semantic").build();
        ledger.record(record("a"));
        ledger.record(rich);
        ledger.pump();
        IntStream.range(0, 5).forEach(i -> ledger.record(record("r" + i)));

        ledger.close();

        assertThat(ledger.failed()).isZero();
        assertThat(ledger.spilled()).isEqualTo(7);
        assertThat(Files.readAllLines(spillFile)).hasSize(7);

        RecordingLedgerStore next = new RecordingLedgerStore();
        LedgerSettings settings = new LedgerSettings(LedgerSettings.Store.SQLITE, dir.resolve("ledger.db"),
                java.util.Optional.empty(), "public", 100, 2, Duration.ofMillis(100), java.util.Optional.of(spillFile));
        Ledger restarted = Ledger.start(next, settings, Ticker.SYSTEM);
        try {
            assertThat(next.batchSizes()).containsExactly(7); // one transaction, before the writer takes new records
            assertThat(next.records()).extracting(LedgerRecord::requestId).containsExactly("a", "part-1", "r0", "r1", "r2", "r3", "r4");
            assertThat(next.records().get(1)).isEqualTo(rich);
            assertThat(spillFile).doesNotExist();
            assertThat(dir.toFile().list()).containsExactly(); // no claimed copy left behind either
        } finally {
            restarted.close();
        }
    }

    @Test
    void spilledRecordsTheStoreStillCannotTakeAtStartStayForTheNextStart(@TempDir Path dir) throws Exception {
        Path spillFile = dir.resolve("spill.jsonl");
        new LedgerSpill(spillFile).save(List.of(record("a"), record("b")));
        RecordingLedgerStore down = new RecordingLedgerStore();
        down.unavailable = true;
        LedgerSettings settings = new LedgerSettings(LedgerSettings.Store.SQLITE, dir.resolve("ledger.db"),
                java.util.Optional.empty(), "public", 100, 2, Duration.ofMillis(100), java.util.Optional.of(spillFile));

        Ledger.start(down, settings, Ticker.SYSTEM).close();
        assertThat(Files.readAllLines(spillFile)).hasSize(2);

        RecordingLedgerStore up = new RecordingLedgerStore();
        Ledger.start(up, settings, Ticker.SYSTEM).close();
        assertThat(up.records()).extracting(LedgerRecord::requestId).containsExactly("a", "b");
        assertThat(spillFile).doesNotExist();
    }

    @Test
    void aSpillLineCutByACrashIsSkippedAndTheRestIsWritten(@TempDir Path dir) throws Exception {
        Path spillFile = dir.resolve("spill.jsonl");
        new LedgerSpill(spillFile).save(List.of(record("a")));
        Files.writeString(spillFile, "{\"requestId\":\"cut", java.nio.file.StandardOpenOption.APPEND);

        assertThat(new LedgerSpill(spillFile).replayInto(store)).isEqualTo(1);
        assertThat(store.records()).extracting(LedgerRecord::requestId).containsExactly("a");
    }

    @Test
    void anErrorFromTheStoreIsHandledAsAnOutageAndLosesNoEntryDrainedWithTheBatch() throws Exception {
        store.errorOnce = new LinkageError("native library failed");
        Ledger ledger = manual(100, 3, Duration.ofMillis(100));
        ledger.record(record("a"));
        ledger.record(record("b"));
        var flushed = ledger.flush();
        ledger.pump(); // drains a, b and the flush together; writing a + b throws the Error
        assertThat(ledger.storeAvailable()).isFalse();
        assertThat(flushed).isCompletedExceptionally();

        ticker.advance(Duration.ofMillis(Ledger.FIRST_RETRY_MILLIS));
        ledger.record(record("c"));
        ledger.pump();
        ledger.flush();
        ledger.pump();
        ledger.close();
        assertThat(store.records()).extracting(LedgerRecord::requestId).containsExactly("a", "b", "c");
        assertThat(ledger.failed()).isZero();
    }

    @Test
    void feedbackAndFlushAreRefusedOnceClosed() {
        Ledger ledger = manual(10, 10, Duration.ofHours(1));
        ledger.close();
        assertThat(ledger.attachFeedback("x", Feedback.score(0.5))).isCompletedExceptionally();
        assertThat(ledger.flush()).isCompletedExceptionally();
    }

    @Test
    void closeFlushesEverythingRecordedConcurrentlyByManyThreads() throws Exception {
        LedgerSettings settings = LedgerSettings.defaults().withQueue(50_000, 256, Duration.ofMillis(50));
        Ledger ledger = Ledger.start(store, settings, Ticker.SYSTEM);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            producers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 5_000; i++) ledger.record(record("t" + thread + "-" + i));
            }));
        }
        for (Thread p : producers) p.join();

        ledger.close();

        assertThat(ledger.dropped()).isZero();
        assertThat(store.records()).hasSize(40_000);
        assertThat(store.records()).extracting(LedgerRecord::requestId).doesNotHaveDuplicates();
        assertThat(store.batchSizes()).allSatisfy(n -> assertThat(n).isBetween(1, 256));
        assertThat(store.closed).isTrue();
    }

    @Test
    void flushMakesTheWriterThreadWriteAPartialBatchAtOnce() throws Exception {
        Ledger ledger = Ledger.start(store, LedgerSettings.defaults().withQueue(100, 100, Duration.ofHours(1)), Ticker.SYSTEM);
        ledger.record(record("only"));
        ledger.flush().get(5, TimeUnit.SECONDS);
        assertThat(store.records()).extracting(LedgerRecord::requestId).containsExactly("only");
        ledger.close();
    }

    @Test
    void feedbackScoresOutsideZeroToOneAreRejected() {
        assertThatThrownBy(() -> Feedback.score(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Feedback.score(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Feedback.thumbs(false).score()).isZero();
    }
}
