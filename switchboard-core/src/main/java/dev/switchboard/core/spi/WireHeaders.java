package dev.switchboard.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** HTTP headers as sent or received on the wire; names compare case-insensitively. */
public final class WireHeaders {
    public static final WireHeaders EMPTY = new WireHeaders(List.of());

    private final List<String[]> entries;

    private WireHeaders(List<String[]> entries) {
        this.entries = entries;
    }

    public static WireHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("names and values must pair up");
        List<String[]> list = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) list.add(new String[] {namesAndValues[i], namesAndValues[i + 1]});
        return new WireHeaders(List.copyOf(list));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<String> first(String name) {
        for (String[] e : entries) {
            if (e[0].equalsIgnoreCase(name)) return Optional.of(e[1]);
        }
        return Optional.empty();
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (String[] e : entries) names.add(e[0]);
        return names;
    }

    public void forEach(java.util.function.BiConsumer<String, String> consumer) {
        for (String[] e : entries) consumer.accept(e[0], e[1]);
    }

    public int size() {
        return entries.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (String[] e : entries) {
            String lower = e[0].toLowerCase(Locale.ROOT);
            boolean secret = lower.equals("authorization") || lower.contains("api-key") || lower.contains("token");
            sb.append(e[0]).append('=').append(secret ? "****" : e[1]).append(' ');
        }
        return sb.append('}').toString();
    }

    public static final class Builder {
        private final List<String[]> entries = new ArrayList<>();

        public Builder add(String name, String value) {
            entries.add(new String[] {name, value});
            return this;
        }

        public Builder set(String name, String value) {
            entries.removeIf(e -> e[0].equalsIgnoreCase(name));
            return add(name, value);
        }

        public WireHeaders build() {
            return new WireHeaders(List.copyOf(entries));
        }
    }
}
