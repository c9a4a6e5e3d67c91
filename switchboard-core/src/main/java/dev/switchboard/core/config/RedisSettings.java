package dev.switchboard.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The Redis that replicas share their rpm/tpm buckets and cool-downs through ({@code switchboard.redis}, or LiteLLM's
 * {@code router_settings.redis_url} / {@code redis_host}, {@code redis_port}, {@code redis_password}). Absent: every
 * gateway keeps that state in its own process.
 *
 * @param url {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS; a secret (it may carry the
 *     password), shown only through {@link #redactedUrl()}
 * @param source the config key it came from, named in errors and logs
 * @param timeout longest wait for one Redis call on a request's path; past it the request goes on with the
 *     process's own state
 * @param keyPrefix put before every key, so several gateway fleets (or tests) can share one Redis
 */
public record RedisSettings(Optional<Secret> url, String source, Duration timeout, String keyPrefix) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
    public static final String DEFAULT_KEY_PREFIX = "switchboard:";

    public static RedisSettings none() {
        return new RedisSettings(Optional.empty(), "switchboard.redis.url", DEFAULT_TIMEOUT, DEFAULT_KEY_PREFIX);
    }

    public boolean enabled() {
        return url.isPresent();
    }

    /** The URL fit for a log line or an error: the password replaced by {@code ****}. */
    public String redactedUrl() {
        return url.map(u -> Secret.redactUrl(u.value())).orElse("");
    }

    /**
     * Reads {@code switchboard.redis}, else LiteLLM's {@code redis_url} or {@code redis_host}/{@code redis_port}/
     * {@code redis_password} in {@code router_settings} (or, where that is silent, {@code litellm_settings}).
     */
    static RedisSettings parse(ConfigNode own, ConfigNode routerSettings, ConfigNode litellmSettings) {
        own.onlyKeys(Set.of("url", "timeout", "key-prefix"));
        RedisSettings d = none();
        Duration timeout = own.get("timeout").duration(d.timeout());
        if (timeout.isZero()) throw own.get("timeout").error("must be positive");
        String prefix = own.get("key-prefix").string(d.keyPrefix());
        if (own.get("url").present()) return new RedisSettings(Optional.of(url(own.get("url"))), own.get("url").path(), timeout, prefix);
        ConfigNode litellm = hasRedis(routerSettings) ? routerSettings : litellmSettings;
        if (litellm.get("redis_url").present()) {
            return new RedisSettings(Optional.of(url(litellm.get("redis_url"))), litellm.get("redis_url").path(), timeout, prefix);
        }
        ConfigNode host = litellm.get("redis_host");
        if (!host.present()) {
            for (String k : new String[] {"redis_port", "redis_password"}) {
                if (litellm.get(k).present()) throw litellm.get(k).error("needs redis_host (or redis_url) beside it");
            }
            return new RedisSettings(Optional.empty(), d.source(), timeout, prefix);
        }
        String h = host.requiredString();
        if (!h.matches("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*")) {
            throw host.error("must be a host name or address (was '" + h + "')");
        }
        if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
        int port = litellm.get("redis_port").integer(6379, 1, 65535);
        String auth = litellm.get("redis_password").secret()
                .map(p -> ":" + URLEncoder.encode(p.value(), StandardCharsets.UTF_8) + "@").orElse("");
        return new RedisSettings(Optional.of(new Secret("redis://" + auth + h + ":" + port)), host.path(), timeout, prefix);
    }

    private static boolean hasRedis(ConfigNode section) {
        return section.keys().stream().anyMatch(k -> k.startsWith("redis_"));
    }

    /** A {@code redis://} or {@code rediss://} URL with a host, a valid port and a database number. */
    private static Secret url(ConfigNode n) {
        Secret s = n.secret().orElseThrow(() -> n.error("must not be empty"));
        String shown = Secret.redactUrl(s.value());
        URI uri;
        try {
            uri = new URI(s.value());
        } catch (URISyntaxException e) {
            throw n.error("is not a valid URL (was '" + shown + "')");
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw n.error("must be a redis:// or rediss:// URL (was '" + shown + "')");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) throw n.error("names no host (was '" + shown + "')");
        if (uri.getPort() == 0 || uri.getPort() > 65535) throw n.error("has an invalid port (was '" + shown + "')");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,5}")) {
            throw n.error("must end in a database number, e.g. /0 (was '" + shown + "')");
        }
        return s;
    }
}
