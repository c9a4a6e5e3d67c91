package dev.switchboard.core.pipeline;

import dev.switchboard.core.GatewayException;
import java.util.Collections;
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
    // Read-only views, made once: every call reads them (a copy per read was a measurable share of a call's garbage).
    private final Map<String, String> responseHeadersView = Collections.unmodifiableMap(responseHeaders);
    private final List<Attempt> attemptsView = Collections.unmodifiableList(attempts);
    /** null while running; the cut's reason, or {@link #SETTLED}: whichever came first. */
    private final AtomicReference<Object> end = new AtomicReference<>();
    /** The request's own context when this is a part's (a decomposed or cascaded call), else null. */
    private final ExchangeContext parent;

    public ExchangeContext() {
        this(null);
    }

    private ExchangeContext(ExchangeContext parent) {
        this.parent = parent;
    }

    /**
     * A fresh context for one part of this exchange: its own headers, attributes and attempts, and cut whenever this
     * one is (a request cut at shutdown cuts its parts with it) as well as on its own (its reader left).
     */
    public ExchangeContext child() {
        return new ExchangeContext(this);
    }

    /** Adds a header to the client's response (lower-case names). */
    public void header(String name, String value) {
        responseHeaders.put(name, value);
    }

    /** The headers for the client's response so far, read-only. */
    public Map<String, String> responseHeaders() {
        return responseHeadersView;
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

    /** The upstream attempts so far, read-only; iterating it sees them as they were when it began. */
    public List<Attempt> attempts() {
        return attemptsView;
    }

    /**
     * Ends the exchange early for {@code reason} (the gateway is shutting down), unless its outcome was already
     * recorded: then it is as good as done and is left to finish. True when the exchange is now cut.
     */
    public boolean cut(GatewayException reason) {
        return end.compareAndSet(null, reason) || end.get() == reason;
    }

    /** Why the gateway cut this exchange short, or the request it is a part of, if it did. */
    public Optional<GatewayException> cutReason() {
        Object e = end.get();
        if (e instanceof GatewayException g) return Optional.of(g);
        return e == SETTLED || parent == null ? Optional.empty() : parent.cutReason();
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
