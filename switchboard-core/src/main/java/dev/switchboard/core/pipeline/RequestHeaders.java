package dev.switchboard.core.pipeline;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The client's HTTP request headers, kept as an exchange attribute (under {@link #KEY}) by the ingress so
 * routers can decide on values such as a user tier. Names are case-insensitive. The ingress passes a lookup
 * into its own header store rather than a copy: most requests meet no router that asks.
 */
public final class RequestHeaders {
    public static final AttributeKey<RequestHeaders> KEY = AttributeKey.of("request-headers", RequestHeaders.class);

    private final Function<String, Optional<String>> lookup;

    /** @param lookup a header's value by name, in any case; several values joined with commas */
    public RequestHeaders(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    /** A fixed set of headers (in-process callers, tests). */
    public static RequestHeaders of(Map<String, String> values) {
        Map<String, String> lower = values.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue,
                        (a, b) -> a + "," + b));
        return new RequestHeaders(name -> Optional.ofNullable(lower.get(name.toLowerCase(Locale.ROOT))));
    }

    public Optional<String> get(String name) {
        return lookup.apply(name);
    }
}
