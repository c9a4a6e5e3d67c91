package dev.switchboard.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * One virtual thread that looks at every watched entry a few times per period, instead of a timer per entry: an entry
 * costs a set add and remove on its own thread's path, and a request pays nothing for the watch while nothing is late.
 */
abstract class PeriodicSweep<T> implements AutoCloseable {
    private final Map<Object, T> entries = new ConcurrentHashMap<>();
    private final long tickNanos;
    private final Thread ticker;
    private volatile boolean closed;

    /** Looks every quarter of {@code period}, but no more often than {@code finest} and at least once a second. */
    PeriodicSweep(String name, Duration period, Duration finest) {
        this.tickNanos = Math.clamp(period.toNanos() / 4, finest.toNanos(), Duration.ofSeconds(1).toNanos());
        this.ticker = Thread.ofVirtual().name(name).start(this::run);
    }

    /** Looks at one entry; {@code now} is {@link System#nanoTime()} of this sweep. */
    abstract void visit(T entry, long now);

    final T watch(T entry) {
        return watch(entry, entry);
    }

    /** Watches {@code entry} under {@code key}, for an owner that knows the key rather than the entry. */
    final T watch(Object key, T entry) {
        entries.put(key, entry);
        return entry;
    }

    /** @return the entry that was watched under {@code key}, or null */
    final T unwatch(Object key) {
        return entries.remove(key);
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(tickNanos);
            long now = System.nanoTime();
            for (T entry : entries.values()) visit(entry, now);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(ticker);
    }
}
