package dev.switchboard.core.pipeline;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The client's HTTP request headers, kept as an exchange attribute (under {@link #KEY}) by the ingress so
 * routers can decide on values such as a user tier. Names are stored lower-case.
 */
public record RequestHeaders(Map<String, String> values) {
    public static final AttributeKey<RequestHeaders> KEY = AttributeKey.of("request-headers", RequestHeaders.class);

    public RequestHeaders {
        values = values.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue,
                        (a, b) -> a + "," + b));
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name.toLowerCase(Locale.ROOT)));
    }
}
