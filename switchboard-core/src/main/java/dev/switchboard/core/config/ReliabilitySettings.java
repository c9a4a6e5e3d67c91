package dev.switchboard.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Retries, fallbacks, circuit breakers and load balancing. Read from LiteLLM's {@code router_settings}
 * (or the same keys in {@code litellm_settings}) and Switchboard's {@code switchboard.reliability} (which wins
 * where both set the same thing).
 *
 * @param retries retries on the same deployment, per error class
 * @param backoffBase first backoff ceiling; each retry doubles it (full jitter picks in [0, ceiling))
 * @param backoffMax largest backoff ceiling
 * @param maxRetryAfter longest {@code Retry-After} honoured by waiting; longer ones fail over instead
 * @param failureThreshold failures within {@code failureWindow} that open a deployment's circuit
 *     ({@code allowed_fails})
 * @param coolDown how long an open circuit skips its deployment before a probe ({@code cooldown_time})
 * @param fallbacks model group → ordered fallback groups for any failure
 * @param defaultFallbacks fallback groups for model groups without their own entry
 * @param contextWindowFallbacks model group → groups with larger windows, for prompts that do not fit
 * @param contentPolicyFallbacks model group → groups to try after a content-filter rejection
 * @param requestTimeout an overall per-request limit ({@code router_settings.timeout}) shortening the
 *     server's request timeout
 * @param capacityWait how long a request waits for RPM/TPM headroom before a 429 (zero: not at all)
 * @param latencyExploration ε of latency-based routing: the share of requests sent to a random deployment
 * @param latencyEwmaAlpha weight of the newest latency sample in the moving average
 */
public record ReliabilitySettings(
        Retries retries,
        Duration backoffBase,
        Duration backoffMax,
        Duration maxRetryAfter,
        int failureThreshold,
        Duration failureWindow,
        Duration coolDown,
        RoutingStrategy routingStrategy,
        Map<String, List<String>> fallbacks,
        List<String> defaultFallbacks,
        Map<String, List<String>> contextWindowFallbacks,
        Map<String, List<String>> contentPolicyFallbacks,
        Optional<Duration> requestTimeout,
        Duration capacityWait,
        double latencyExploration,
        double latencyEwmaAlpha) {

    private static final Logger LOG = Logger.getLogger(ReliabilitySettings.class.getName());

    /**
     * Retries on the same deployment per error class. A timed-out upstream is failed over rather than
     * retried by default (a silent upstream is rarely quick the second time).
     */
    public record Retries(int rateLimit, int timeout, int serverError, int connection) {
        public static final Retries DEFAULT = new Retries(2, 0, 2, 2);
    }

    public ReliabilitySettings {
        fallbacks = copy(fallbacks);
        defaultFallbacks = List.copyOf(defaultFallbacks);
        contextWindowFallbacks = copy(contextWindowFallbacks);
        contentPolicyFallbacks = copy(contentPolicyFallbacks);
    }

    public static ReliabilitySettings defaults() {
        return new ReliabilitySettings(Retries.DEFAULT, Duration.ofMillis(500), Duration.ofSeconds(8),
                Duration.ofSeconds(30), 3, Duration.ofSeconds(60), Duration.ofSeconds(5), RoutingStrategy.SIMPLE_SHUFFLE,
                Map.of(), List.of(), Map.of(), Map.of(), Optional.empty(), Duration.ofSeconds(2), 0.1, 0.3);
    }

    /** Generic fallback groups for {@code modelGroup}: its own entry, else the default ones. */
    public List<String> fallbacksFor(String modelGroup) {
        return fallbacks.getOrDefault(modelGroup, defaultFallbacks);
    }

    static final Set<String> ROUTER_KEYS_USED = Set.of("num_retries", "retry_policy", "allowed_fails", "cooldown_time",
            "routing_strategy", "fallbacks", "default_fallbacks", "context_window_fallbacks", "content_policy_fallbacks",
            "timeout");

    /** Read by {@link RedisSettings}. */
    static final Set<String> REDIS_KEYS = Set.of("redis_host", "redis_port", "redis_password", "redis_url");

    /**
     * The router keys LiteLLM also takes in {@code litellm_settings} (its proxy docs long showed them there), each
     * with the {@code router_settings} key it stands for.
     */
    static final Map<String, String> LITELLM_SETTINGS_USED = Map.of("num_retries", "num_retries", "retry_policy",
            "retry_policy", "allowed_fails", "allowed_fails", "cooldown_time", "cooldown_time", "fallbacks", "fallbacks",
            "default_fallbacks", "default_fallbacks", "context_window_fallbacks", "context_window_fallbacks",
            "content_policy_fallbacks", "content_policy_fallbacks", "request_timeout", "timeout");

    /**
     * LiteLLM also caches answers in Redis ({@code litellm_settings.cache}, {@code cache_params}); Switchboard caches
     * none. Its Redis keys ({@code redis_host}, {@code redis_url}, ...) are read by {@link RedisSettings} and do share
     * rpm/tpm limits and cool-downs, so only the cache keys are left to warn about.
     */
    private static void warnNoAnswerCache(ConfigNode litellmSettings) {
        List<String> cache = litellmSettings.keys().stream().filter(k -> k.equals("cache") || k.equals("cache_params"))
                .map(k -> "litellm_settings." + k).toList();
        if (cache.isEmpty()) return;
        LOG.warning(() -> cache + " are not used: Switchboard caches no answers (rpm/tpm limits and cool-downs are shared "
                + "through Redis when switchboard.redis.url or router_settings.redis_host / redis_url is set)");
    }

    /**
     * Reads {@code router_settings} (LiteLLM keys; others are accepted and reported as unused), the same keys in
     * {@code litellm_settings} where {@code router_settings} is silent, and {@code switchboard.reliability};
     * fallback entries must name configured model groups.
     */
    static ReliabilitySettings parse(ConfigNode routerSettings, ConfigNode litellmSettings, ConfigNode own,
            Set<String> modelGroups) {
        ReliabilitySettings d = defaults();
        List<String> unused = routerSettings.keys().stream()
                .filter(k -> !ROUTER_KEYS_USED.contains(k) && !REDIS_KEYS.contains(k)).toList();
        if (!unused.isEmpty()) {
            LOG.info(() -> "config keys " + unused + " in 'router_settings' are accepted for LiteLLM compatibility but not used");
        }
        warnNoAnswerCache(litellmSettings);
        // A fallback written under litellm_settings, as many LiteLLM configs do, must not be dropped without a word.
        Map<String, ConfigNode> fromLitellm = new LinkedHashMap<>();
        for (String k : litellmSettings.keys()) {
            String key = LITELLM_SETTINGS_USED.get(k);
            if (key != null && !routerSettings.get(key).present()) fromLitellm.put(key, litellmSettings.get(k));
        }
        java.util.function.Function<String, ConfigNode> router = k -> fromLitellm.getOrDefault(k, routerSettings.get(k));

        Retries r = Retries.DEFAULT;
        if (router.apply("num_retries").present()) {
            int n = router.apply("num_retries").integer(0, 0, 100);
            r = new Retries(n, r.timeout(), n, n);
        }
        ConfigNode policy = router.apply("retry_policy");
        policy.onlyKeys(Set.of("BadRequestErrorRetries", "AuthenticationErrorRetries", "TimeoutErrorRetries",
                "RateLimitErrorRetries", "ContentPolicyViolationErrorRetries", "InternalServerErrorRetries"));
        for (String never : List.of("BadRequestErrorRetries", "AuthenticationErrorRetries", "ContentPolicyViolationErrorRetries")) {
            if (policy.get(never).integer(0, 0, 100) > 0) {
                LOG.info(() -> "'" + policy.get(never).path() + "' is ignored: these errors fail the same way again, so "
                        + "they are never retried on the same deployment");
            }
        }
        int serverRetries = policy.get("InternalServerErrorRetries").integer(r.serverError(), 0, 100);
        r = new Retries(policy.get("RateLimitErrorRetries").integer(r.rateLimit(), 0, 100),
                policy.get("TimeoutErrorRetries").integer(r.timeout(), 0, 100), serverRetries,
                policy.get("InternalServerErrorRetries").present() ? serverRetries : r.connection());

        own.onlyKeys(Set.of("retries", "backoff-base", "backoff-max", "max-retry-after", "circuit", "capacity-wait",
                "latency-exploration", "latency-ewma-alpha"));
        ConfigNode retries = own.get("retries");
        retries.onlyKeys(Set.of("rate-limit", "timeout", "server-error", "connection"));
        r = new Retries(retries.get("rate-limit").integer(r.rateLimit(), 0, 100),
                retries.get("timeout").integer(r.timeout(), 0, 100),
                retries.get("server-error").integer(r.serverError(), 0, 100),
                retries.get("connection").integer(r.connection(), 0, 100));

        Duration backoffBase = own.get("backoff-base").duration(d.backoffBase());
        Duration backoffMax = own.get("backoff-max").duration(d.backoffMax());
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw own.get("backoff-max").error("must not be shorter than backoff-base (" + backoffBase + ")");
        }

        ConfigNode circuit = own.get("circuit");
        circuit.onlyKeys(Set.of("failure-threshold", "window", "cool-down"));
        int threshold = circuit.get("failure-threshold").present()
                ? circuit.get("failure-threshold").integer(d.failureThreshold(), 1, 1_000_000)
                : router.apply("allowed_fails").integer(d.failureThreshold(), 1, 1_000_000);
        Duration coolDown = circuit.get("cool-down").present() ? circuit.get("cool-down").duration(d.coolDown())
                : router.apply("cooldown_time").duration(d.coolDown());

        ConfigNode strategyNode = router.apply("routing_strategy");
        RoutingStrategy strategy = strategyNode.string().map(s -> RoutingStrategy.parse(s).orElseThrow(() ->
                strategyNode.error("unknown routing strategy '" + s + "' (known: simple-shuffle, least-busy, "
                        + "latency-based-routing, usage-based-routing, cost-based-routing)")))
                .orElse(d.routingStrategy());

        Optional<Duration> timeout = router.apply("timeout").present()
                ? Optional.of(router.apply("timeout").duration(Duration.ofSeconds(600))) : Optional.empty();

        return new ReliabilitySettings(r, backoffBase, backoffMax,
                own.get("max-retry-after").duration(d.maxRetryAfter()), threshold,
                circuit.get("window").duration(d.failureWindow()), coolDown, strategy,
                groupMap(router.apply("fallbacks"), modelGroups), groupList(router.apply("default_fallbacks"), modelGroups),
                groupMap(router.apply("context_window_fallbacks"), modelGroups),
                groupMap(router.apply("content_policy_fallbacks"), modelGroups), timeout,
                zero(own.get("capacity-wait")) ? Duration.ZERO : own.get("capacity-wait").duration(d.capacityWait()),
                own.get("latency-exploration").number(d.latencyExploration(), 0, 1),
                own.get("latency-ewma-alpha").number(d.latencyEwmaAlpha(), 0.001, 1));
    }

    /** "0", 0 or "0s": a limit switched off (a request that finds no headroom gets its 429 at once). */
    private static boolean zero(ConfigNode n) {
        if (!n.present()) return false;
        if (n.raw().isNumber()) return n.raw().asDouble() == 0;
        return n.raw().isTextual() && n.raw().asText().trim().matches("0+(\\.0+)?\\s*(ms|s|m)?");
    }

    /** LiteLLM writes {@code [{"gpt-4o": ["claude", "gemma"]}]}; a single mapping is accepted too. */
    private static Map<String, List<String>> groupMap(ConfigNode n, Set<String> modelGroups) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<ConfigNode> entries = n.present() && n.raw().isObject() ? List.of(n) : n.list();
        for (ConfigNode entry : entries) {
            for (String group : entry.keys()) {
                if (!modelGroups.contains(group)) throw entry.get(group).error("names no configured model group");
                List<String> targets = new ArrayList<>(out.getOrDefault(group, List.of()));
                targets.addAll(groupList(entry.get(group), modelGroups));
                out.put(group, targets);
            }
        }
        return out;
    }

    private static List<String> groupList(ConfigNode n, Set<String> modelGroups) {
        List<String> names = n.stringList();
        for (int i = 0; i < names.size(); i++) {
            if (!modelGroups.contains(names.get(i))) {
                throw (n.raw().isArray() ? n.list().get(i) : n).error("names no configured model group ('" + names.get(i) + "')");
            }
        }
        return names;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> m) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
