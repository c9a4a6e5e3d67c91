package dev.switchboard.core.pipeline;

import dev.switchboard.core.GatewayException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The mutable, thread-safe part of an exchange, shared by every copy made as the exchange moves down the
 * pipeline: headers for the client, typed attributes, the log of upstream attempts, and whether the gateway
 * cut the exchange short (shutdown).
 */
public final class ExchangeContext {
    /** {@link #end}'s value once the outcome was recorded without a cut. */
    private static final Object SETTLED = new Object();

    private final Map<String, String> responseHeaders = new ConcurrentHashMap<>();
    private final Map<AttributeKey<?>, Object> attributes = new ConcurrentHashMap<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    /** null while running; the cut's reason, or {@link #SETTLED}: whichever came first. */
    private final AtomicReference<Object> end = new AtomicReference<>();

    /** Adds a header to the client's response (lower-case names). */
    public void header(String name, String value) {
        responseHeaders.put(name, value);
    }

    public Map<String, String> responseHeaders() {
        return Map.copyOf(responseHeaders);
    }

    public <T> void set(AttributeKey<T> key, T value) {
        attributes.put(key, value);
    }

    public <T> Optional<T> get(AttributeKey<T> key) {
        return Optional.ofNullable(attributes.get(key)).map(key::cast);
    }

    public void recordAttempt(Attempt attempt) {
        attempts.add(attempt);
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /**
     * Ends the exchange early for {@code reason} (the gateway is shutting down), unless its outcome was already
     * recorded: then it is as good as done and is left to finish. True when the exchange is now cut.
     */
    public boolean cut(GatewayException reason) {
        return end.compareAndSet(null, reason) || end.get() == reason;
    }

    /** Why the gateway cut this exchange short, if it did. */
    public Optional<GatewayException> cutReason() {
        return end.get() instanceof GatewayException g ? Optional.of(g) : Optional.empty();
    }

    /**
     * For the one observer recording the outcome: no cut takes effect after this. Returns the cut's reason when one
     * came first, which is then the outcome, whatever the failure it caused looked like (an interrupted read).
     */
    public Optional<GatewayException> settle() {
        end.compareAndSet(null, SETTLED);
        return cutReason();
    }
}
