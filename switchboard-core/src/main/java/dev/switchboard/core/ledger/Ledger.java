package dev.switchboard.core.ledger;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.LedgerSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The front of the routing ledger, kept off the request's critical path: {@link #record} only offers the
 * record to a bounded queue and returns. One writer thread drains the queue and writes batches to the
 * {@link LedgerStore} — a batch is written when it holds {@code batch-size} records or when its oldest
 * record has waited {@code flush-interval}. The writer sleeps between looks and is woken only by a full batch, a
 * flush, feedback or close: waking it for every record cost a thread wake-up per request (about one context switch
 * and 35 µs of CPU per proxied call at 200 req/s).
 *
 * <p><b>When the queue is full, records are dropped, not waited for:</b> a slow or stuck database must
 * never slow down or stall requests. Drops are counted ({@link #dropped()}) and logged as a warning at
 * most every {@value #DROP_LOG_EVERY_SECONDS} seconds. Size {@code queue-capacity} for the longest store
 * stall you want to ride out.
 *
 * <p><b>When the store is unavailable</b> ({@link LedgerStoreUnavailableException}: the database is down or
 * unreachable), the batch is kept and written again after a back-off ({@value #FIRST_RETRY_MILLIS} ms, doubling up to
 * {@value #MAX_RETRY_MILLIS} ms) while new records wait in the queue, so an outage loses nothing until the queue is
 * full; then records are dropped and counted as above. A batch the store refuses for any other reason would fail
 * again: it is counted in {@link #failed()} and logged.
 *
 * <p>{@link #close()} writes everything recorded before it and then closes the store: call it on
 * shutdown (SIGTERM) after the server has stopped taking requests, and nothing is lost. If the store is
 * unavailable then, it gets one more attempt; what it still cannot take goes to the {@link LedgerSpill} file, which
 * the next start writes to the store ({@link #spilled()}); without a spill file, or if it cannot be written, it is
 * counted in {@link #failed()} and logged.
 *
 * <p>Feedback and flushes travel through the same queue, so feedback for a request whose record is
 * still queued lands after that record is written.
 */
public final class Ledger implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Ledger.class.getName());
    static final long DROP_LOG_EVERY_SECONDS = 10;
    static final long FIRST_RETRY_MILLIS = 250;
    static final long MAX_RETRY_MILLIS = 10_000;
    static final long WRITER_PAUSE_MILLIS = 1_000;
    private sealed interface Entry permits Append, AttachFeedback, Flush {}

    private record Append(LedgerRecord record) implements Entry {}

    private record AttachFeedback(String requestId, Feedback feedback, CompletableFuture<Integer> done) implements Entry {}

    private record Flush(CompletableFuture<Void> done) implements Entry {}

    private final LedgerStore store;
    private final Ticker ticker;
    private final int capacity;
    private final int batchSize;
    private final long maxDelayNanos;
    private final BlockingQueue<Entry> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final LedgerSpill spill;
    private final AtomicLong lastDropLogNanos = new AtomicLong();
    /** Records queued since the writer last looked; the one that fills a batch wakes it. */
    private final AtomicInteger sinceLook = new AtomicInteger();
    private final int wakeAt;
    private volatile Thread writer;

    // Owned by whoever drains: the writer thread, or the closing thread once the writer has stopped.
    private final List<LedgerRecord> pending = new ArrayList<>();
    private final List<Entry> drained = new ArrayList<>();
    private long oldestPendingNanos;
    /** When the writer last drained the queue: what it drains next arrived after this. */
    private long lastLookNanos;
    /** Set while the store is unavailable: the pending batch is written again at {@link #retryAtNanos}. */
    private volatile boolean storeDown;
    private long retryAtNanos;
    private long retryDelayNanos;
    /** Closing with the store unavailable: the last attempt failed, so what is left is counted as failed. */
    private boolean gaveUp;

    Ledger(LedgerStore store, int queueCapacity, int batchSize, Duration flushInterval, Ticker ticker) {
        this(store, queueCapacity, batchSize, flushInterval, ticker, null);
    }

    Ledger(LedgerStore store, int queueCapacity, int batchSize, Duration flushInterval, Ticker ticker, LedgerSpill spill) {
        if (queueCapacity < 1 || batchSize < 1) throw new IllegalArgumentException("capacity and batch size must be positive");
        this.store = Objects.requireNonNull(store);
        this.ticker = Objects.requireNonNull(ticker);
        this.spill = spill;
        this.capacity = queueCapacity;
        this.batchSize = batchSize;
        this.maxDelayNanos = flushInterval.toNanos();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.wakeAt = Math.max(1, Math.min(batchSize, queueCapacity / 2));
        this.lastLookNanos = ticker.nanoTime();
    }

    /**
     * A ledger writing to {@code store} with the queue settings of {@code settings}; its writer runs at once. Records
     * an earlier shutdown left in the spill file are written first.
     */
    public static Ledger start(LedgerStore store, LedgerSettings settings, Ticker ticker) {
        LedgerSpill spill = settings.spillPath().map(LedgerSpill::new).orElse(null);
        if (spill != null) replay(spill, store);
        Ledger ledger = new Ledger(store, settings.queueCapacity(), settings.batchSize(), settings.flushInterval(), ticker,
                spill);
        ledger.startWriter();
        return ledger;
    }

    private static void replay(LedgerSpill spill, LedgerStore store) {
        try {
            int n = spill.replayInto(store);
            if (n > 0) LOG.info(() -> "ledger: wrote " + n + " records kept in " + spill.file() + " at the last shutdown");
        } catch (RuntimeException e) {
            // The store opened a moment ago; if it fails now, the records stay in the file for the next start.
            LOG.log(Level.WARNING, "ledger: could not write the records kept in " + spill.file()
                    + " at the last shutdown; they stay there for the next start", e);
        }
    }

    void startWriter() {
        // A platform thread: the SQLite driver works through JNI, which would pin a virtual thread's carrier
        // for every write. Daemon so it never holds the JVM open; close() is what guarantees the flush.
        Thread t = new Thread(this::runWriter, "switchboard-ledger-writer");
        t.setDaemon(true);
        writer = t;
        t.start();
    }

    /** Queues a record for writing. Never blocks; drops (and counts) the record when the queue is full. */
    public void record(LedgerRecord record) {
        Objects.requireNonNull(record, "record");
        if (closed.get() || !queue.offer(new Append(record))) drop();
        else if (sinceLook.incrementAndGet() == wakeAt) wakeWriter();
    }

    /**
     * Attaches a quality signal to a request's records once every record queued before it is written.
     *
     * @return completes with how many records the signal reached (0 for an unknown id), or exceptionally
     *     when the ledger is closed, its queue is full or the store fails or is unavailable; a caller that stops
     *     waiting cancels it, and a cancelled signal is not attached
     */
    public CompletableFuture<Integer> attachFeedback(String requestId, Feedback feedback) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        if (storeDown) {
            // Queued, it would wait for the store's return and land long after its caller was told it failed.
            done.completeExceptionally(new IllegalStateException("the ledger store is unavailable"));
            return done;
        }
        enqueue(new AttachFeedback(Objects.requireNonNull(requestId), Objects.requireNonNull(feedback), done), done);
        return done;
    }

    /** Completes when every record queued before this call is written (exceptionally if writing failed). */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new Flush(done), done);
        return done;
    }

    /** Statistics straight from the store; records still queued (at most one flush interval old) are not in them. */
    public LedgerStats stats(StatsQuery query) {
        return store.stats(query);
    }

    /** The request's records as stored (see {@link LedgerStore#find}); records still queued are not found. */
    public List<LedgerRecord> find(String requestId) {
        return store.find(requestId);
    }

    /** Records dropped because the queue was full or the ledger closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Records written to the store. */
    public long written() {
        return written.get();
    }

    /** Records the store refused (the batch's write threw), or that were lost at shutdown. */
    public long failed() {
        return failed.get();
    }

    /** Records saved to the spill file at shutdown because the store was unavailable. */
    public long spilled() {
        return spilled.get();
    }

    /** False while the store is unavailable and the writer holds its batch for another attempt. */
    public boolean storeAvailable() {
        return !storeDown;
    }

    /** Entries waiting in the queue. */
    public int queued() {
        return queue.size();
    }

    /** Writes everything recorded so far, stops the writer and closes the store. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
            joinUninterruptibly(t);
        }
        drainAll(); // what a record() racing with close() put in after the writer's last look
        store.close();
        if (dropped.get() > 0) LOG.warning(() -> "ledger closed; " + dropped.get() + " records were dropped while running");
        if (spilled.get() > 0) {
            LOG.warning(() -> "ledger closed with its store unavailable; " + spilled.get() + " records were saved to "
                    + spill.file().toAbsolutePath() + " and are written to the store at the next start");
        }
        if (gaveUp && failed.get() > 0) LOG.severe(() -> "ledger closed; " + failed.get() + " records could not be written");
    }

    private void runWriter() {
        while (!closed.get()) {
            try {
                LockSupport.parkNanos(this, waitNanos());
                pump();
            } catch (RuntimeException | Error e) {
                // Whatever it was (an exception, or an Error such as a native library's LinkageError or an
                // OutOfMemoryError), a dead writer would drop every later record: it keeps its batch, pauses, goes on.
                LOG.log(Level.SEVERE, "ledger writer failed; retrying in " + WRITER_PAUSE_MILLIS + " ms", e);
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(WRITER_PAUSE_MILLIS));
            }
        }
        drainAll();
    }

    /** One non-blocking writer step: takes what is queued (up to a batch) and writes the batch if it is due. */
    void pump() {
        if (storeDown && (ticker.nanoTime() < retryAtNanos || !writePending())) return; // the queue buffers meanwhile
        drained.clear();
        sinceLook.set(0);
        long look = ticker.nanoTime();
        queue.drainTo(drained, batchSize);
        for (Entry e : drained) accept(e);
        drained.clear();
        lastLookNanos = look;
        if (!pending.isEmpty() && (pending.size() >= batchSize || ticker.nanoTime() - oldestPendingNanos >= maxDelayNanos)) {
            writePending();
        }
    }

    private void drainAll() {
        while (true) {
            drained.clear();
            queue.drainTo(drained);
            if (drained.isEmpty()) break;
            for (Entry e : drained) accept(e);
        }
        writePending();
    }

    /** Until the pending batch is due; with none, one flush interval, so a record queued now waits no longer. */
    private long waitNanos() {
        if (storeDown) return Math.max(0, retryAtNanos - ticker.nanoTime());
        if (!queue.isEmpty() && pending.size() + queue.size() >= batchSize) return 0;
        long due = (pending.isEmpty() ? lastLookNanos : oldestPendingNanos) + maxDelayNanos;
        return Math.max(0, due - ticker.nanoTime());
    }

    private void accept(Entry entry) {
        switch (entry) {
            case Append a -> {
                if (pending.isEmpty()) oldestPendingNanos = lastLookNanos; // it arrived after the last look
                pending.add(a.record());
                if (pending.size() >= batchSize && !storeDown) writePending();
            }
            case AttachFeedback f -> {
                if (f.done().isDone()) return; // its caller stopped waiting and was told it failed
                if (!writePending() && storeDown) {
                    f.done().completeExceptionally(new IllegalStateException("the ledger store is unavailable"));
                    return;
                }
                try {
                    f.done().complete(store.attachFeedback(f.requestId(), f.feedback()));
                } catch (RuntimeException e) {
                    f.done().completeExceptionally(e);
                }
            }
            case Flush f -> {
                if (writePending()) f.done().complete(null);
                else if (storeDown) f.done().completeExceptionally(new IllegalStateException("the ledger store is unavailable"));
                else f.done().completeExceptionally(new IllegalStateException("ledger store failed to write a batch"));
            }
        }
    }

    /**
     * Writes the pending batch; false when the store threw. An unavailable store keeps the batch for a later attempt
     * (none before {@link #retryAtNanos}); any other failure counts the batch as failed.
     */
    private boolean writePending() {
        if (pending.isEmpty()) return true;
        int n = pending.size();
        if (gaveUp) return keepForNextStart(n);
        if (storeDown && !closed.get() && ticker.nanoTime() < retryAtNanos) return false;
        try {
            store.append(Collections.unmodifiableList(pending));
        } catch (LedgerStoreUnavailableException | Error e) {
            // An Error (a native driver's LinkageError, an OutOfMemoryError) is handled as an outage: thrown out of
            // the writer's loop it would lose the batch and every entry drained with it.
            if (closed.get()) {
                gaveUp = true;
                LOG.log(spill == null ? Level.SEVERE : Level.WARNING, "ledger store is unavailable while closing; the records "
                        + "still queued are " + (spill == null ? "lost" : "saved to " + spill.file().toAbsolutePath()), e);
                return keepForNextStart(n);
            }
            retryDelayNanos = storeDown ? Math.min(retryDelayNanos * 2, TimeUnit.MILLISECONDS.toNanos(MAX_RETRY_MILLIS))
                    : TimeUnit.MILLISECONDS.toNanos(FIRST_RETRY_MILLIS);
            retryAtNanos = ticker.nanoTime() + retryDelayNanos;
            if (!storeDown) {
                LOG.log(Level.WARNING, "ledger store is unavailable; keeping records queued (up to queue-capacity "
                        + capacity + ") and retrying", e);
            }
            storeDown = true;
            return false;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ledger store could not write a batch of " + n + " records; they are lost", e);
            return lose(n);
        }
        written.addAndGet(n);
        pending.clear();
        if (storeDown) {
            storeDown = false;
            LOG.info("ledger store is available again; writing the records kept meanwhile");
        }
        return true;
    }

    /** At shutdown with the store unavailable: the pending batch goes to the spill file, or is lost without one. */
    private boolean keepForNextStart(int n) {
        if (spill == null) return lose(n);
        try {
            spill.save(pending);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "could not save " + n + " ledger records to " + spill.file().toAbsolutePath(), e);
            return lose(n);
        }
        spilled.addAndGet(n);
        pending.clear();
        return false;
    }

    private boolean lose(int n) {
        failed.addAndGet(n);
        pending.clear();
        return false;
    }

    private void enqueue(Entry entry, CompletableFuture<?> done) {
        if (closed.get()) done.completeExceptionally(new IllegalStateException("ledger is closed"));
        else if (!queue.offer(entry)) done.completeExceptionally(new IllegalStateException("ledger queue is full"));
        else wakeWriter(); // someone waits on it
    }

    private void wakeWriter() {
        Thread t = writer;
        if (t != null) LockSupport.unpark(t);
    }

    private void drop() {
        long n = dropped.incrementAndGet();
        long now = ticker.nanoTime();
        long last = lastDropLogNanos.get();
        if ((n == 1 || now - last >= TimeUnit.SECONDS.toNanos(DROP_LOG_EVERY_SECONDS)) && lastDropLogNanos.compareAndSet(last, now)) {
            LOG.warning(() -> (closed.get() ? "ledger is closed" : "ledger queue is full (queue-capacity " + capacity + ")"
                    + (storeDown ? " while the ledger store is unavailable" : "")) + "; records dropped so far: " + n);
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
