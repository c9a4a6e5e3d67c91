package dev.switchboard.core.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mutable, thread-safe part of an exchange, shared by every copy made as the exchange moves down the
 * pipeline: headers for the client, typed attributes, and the log of upstream attempts.
 */
public final class ExchangeContext {
    private final Map<String, String> responseHeaders = new ConcurrentHashMap<>();
    private final Map<AttributeKey<?>, Object> attributes = new ConcurrentHashMap<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

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
}
