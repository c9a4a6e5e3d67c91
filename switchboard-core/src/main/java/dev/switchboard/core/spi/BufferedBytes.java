package dev.switchboard.core.spi;

import java.util.function.Supplier;

/**
 * The bodies a request holds in the heap while it runs, counted against the gateway's bound
 * ({@code switchboard.server.max-buffered-body-bytes}): its own body, and each upstream answer read whole. The server
 * binds a {@link Holder} for each request and gives its room back when the request ends; with none bound (the
 * in-process SDK) nothing is counted.
 */
public final class BufferedBytes {
    /** Room for one request's bodies; {@link #hold} may wait for room and then refuse with a 503. */
    public interface Holder {
        void hold(long bytes);
    }

    private static final ScopedValue<Holder> HOLDER = ScopedValue.newInstance();

    private BufferedBytes() {
    }

    /** Takes room for {@code bytes} more, held until the current request ends. */
    public static void hold(long bytes) {
        if (HOLDER.isBound()) HOLDER.get().hold(bytes);
    }

    /** Runs {@code work} with {@code holder} as the current request's (null: none). */
    public static <T> T with(Holder holder, Supplier<T> work) {
        return holder == null ? work.get() : ScopedValue.where(HOLDER, holder).call(work::get);
    }

    /** The current request's holder, for work it hands to another thread; null when there is none. */
    public static Holder current() {
        return HOLDER.isBound() ? HOLDER.get() : null;
    }
}
