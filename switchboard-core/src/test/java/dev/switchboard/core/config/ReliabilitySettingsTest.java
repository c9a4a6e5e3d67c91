package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReliabilitySettingsTest {
    private static final String MODELS = """
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: sk-test}
              - model_name: claude
                litellm_params: {model: openai/claude, api_base: "http://claude.test", api_key: sk-test}
              - model_name: gemma
                litellm_params: {model: openai/gemma, api_base: "http://gemma.test", api_key: sk-test}
            """;

    private static SwitchboardConfig load(String yaml) {
        return new ConfigLoader(name -> null, Set.of("openai")).parse(MODELS + yaml, "test");
    }

    @Test
    void withoutReliabilitySettingsTheDefaultsApply() {
        assertThat(load("").reliability()).isEqualTo(ReliabilitySettings.defaults());
    }

    private static List<String> warningsLoading(String yaml) {
        return Warnings.loggedBy(ReliabilitySettings.class, () -> load(yaml));
    }

    /** Redis keys now share limits and cool-downs; only LiteLLM's answer cache is left unused, and said so. */
    @Test
    void onlyTheAnswerCacheIsReportedUnusedNotTheRedisKeys() {
        List<String> warnings = warningsLoading("""
                router_settings:
                  num_retries: 2
                  redis_host: redis.internal
                  redis_port: 6379
                litellm_settings:
                  cache: true
                  cache_params: {type: redis}
                """);
        assertThat(warnings).singleElement().asString()
                .startsWith("[litellm_settings.cache, litellm_settings.cache_params] are not used: Switchboard caches no answers")
                .doesNotContain("redis_port");
        assertThat(warningsLoading("router_settings: {num_retries: 2, redis_host: redis.internal}\n")).isEmpty();
    }

    @Test
    void readsLiteLlmRouterSettings() {
        ReliabilitySettings r = load("""
                router_settings:
                  num_retries: 4
                  allowed_fails: 5
                  cooldown_time: 30
                  routing_strategy: latency-based-routing
                  timeout: 45
                  fallbacks: [{"gpt-4o": ["claude", "gemma"]}]
                  default_fallbacks: ["gemma"]
                  context_window_fallbacks: [{"gpt-4o": ["claude"]}]
                  content_policy_fallbacks: [{"claude": ["gemma"]}]
                  retry_policy: {RateLimitErrorRetries: 1, TimeoutErrorRetries: 1, AuthenticationErrorRetries: 3}
                  redis_host: localhost
                """).reliability();

        assertThat(r.retries()).isEqualTo(new ReliabilitySettings.Retries(1, 1, 4, 4));
        assertThat(r.failureThreshold()).isEqualTo(5);
        assertThat(r.coolDown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.routingStrategy()).isEqualTo(RoutingStrategy.LATENCY_BASED);
        assertThat(r.requestTimeout()).contains(Duration.ofSeconds(45));
        assertThat(r.fallbacks()).isEqualTo(Map.of("gpt-4o", List.of("claude", "gemma")));
        assertThat(r.fallbacksFor("gpt-4o")).containsExactly("claude", "gemma");
        assertThat(r.fallbacksFor("claude")).containsExactly("gemma");
        assertThat(r.contextWindowFallbacks()).isEqualTo(Map.of("gpt-4o", List.of("claude")));
        assertThat(r.contentPolicyFallbacks()).isEqualTo(Map.of("claude", List.of("gemma")));
    }

    /** LiteLLM configs often write these under litellm_settings; dropping them would silently lose the fallbacks. */
    @Test
    void readsTheRouterKeysOfLitellmSettingsWhereRouterSettingsIsSilent() {
        ReliabilitySettings r = load("""
                litellm_settings:
                  drop_params: true
                  num_retries: 4
                  request_timeout: 20
                  allowed_fails: 5
                  cooldown_time: 30
                  fallbacks: [{"gpt-4o": ["claude"]}]
                  context_window_fallbacks: [{"gpt-4o": ["gemma"]}]
                router_settings:
                  allowed_fails: 7
                """).reliability();

        assertThat(r.retries()).isEqualTo(new ReliabilitySettings.Retries(4, 0, 4, 4));
        assertThat(r.requestTimeout()).contains(Duration.ofSeconds(20));
        assertThat(r.failureThreshold()).isEqualTo(7);
        assertThat(r.coolDown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.fallbacksFor("gpt-4o")).containsExactly("claude");
        assertThat(r.contextWindowFallbacks()).isEqualTo(Map.of("gpt-4o", List.of("gemma")));
        assertThatThrownBy(() -> load("litellm_settings: {fallbacks: [{gpt-4o: [nowhere]}]}"))
                .hasMessageStartingWith("litellm_settings.fallbacks[0].gpt-4o[0]: names no configured model group");
    }

    @Test
    void switchboardsOwnSectionWinsOverRouterSettings() {
        ReliabilitySettings r = load("""
                router_settings: {allowed_fails: 5, cooldown_time: 30, num_retries: 4}
                switchboard:
                  reliability:
                    backoff-base: 200ms
                    backoff-max: 4s
                    max-retry-after: 10s
                    retries: {rate-limit: 0, server-error: 1}
                    circuit: {failure-threshold: 2, window: 10s, cool-down: 3s}
                    capacity-wait: 500ms
                    latency-exploration: 0.05
                    latency-ewma-alpha: 0.5
                """).reliability();

        assertThat(r.retries()).isEqualTo(new ReliabilitySettings.Retries(0, 0, 1, 4));
        assertThat(r.backoffBase()).isEqualTo(Duration.ofMillis(200));
        assertThat(r.backoffMax()).isEqualTo(Duration.ofSeconds(4));
        assertThat(r.maxRetryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(r.failureThreshold()).isEqualTo(2);
        assertThat(r.failureWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(r.coolDown()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.capacityWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(r.latencyExploration()).isEqualTo(0.05);
        assertThat(r.latencyEwmaAlpha()).isEqualTo(0.5);
        assertThat(r.requestTimeout()).isEqualTo(Optional.empty());
    }

    @Test
    void aCapacityWaitOfZeroMeansNoWaiting() {
        assertThat(load("switchboard: {reliability: {capacity-wait: 0}}\n").reliability().capacityWait()).isZero();
        assertThat(load("switchboard: {reliability: {capacity-wait: 0s}}\n").reliability().capacityWait()).isZero();
    }

    private static void rejects(String yaml, String key) {
        assertThatThrownBy(() -> load(yaml)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.getMessage()).contains(key));
    }

    @Test
    void badValuesRefuseToStartAndNameTheKey() {
        rejects("router_settings: {routing_strategy: round-robin}\n", "router_settings.routing_strategy");
        rejects("router_settings: {num_retries: -1}\n", "router_settings.num_retries");
        rejects("router_settings: {cooldown_time: soon}\n", "router_settings.cooldown_time");
        rejects("router_settings: {fallbacks: [{\"gpt-4o\": [\"nope\"]}]}\n", "router_settings.fallbacks[0].gpt-4o[0]");
        rejects("router_settings: {fallbacks: [{\"nope\": [\"claude\"]}]}\n", "router_settings.fallbacks[0].nope");
        rejects("router_settings: {default_fallbacks: [\"nope\"]}\n", "router_settings.default_fallbacks[0]");
        rejects("router_settings: {retry_policy: {TimeoutRetries: 1}}\n", "router_settings.retry_policy.TimeoutRetries");
        rejects("switchboard: {reliability: {backoff-base: 2s, backoff-max: 1s}}\n", "switchboard.reliability.backoff-max");
        rejects("switchboard: {reliability: {circuit: {failure-threshold: 0}}}\n", "switchboard.reliability.circuit.failure-threshold");
        rejects("switchboard: {reliability: {latency-exploration: 1.5}}\n", "switchboard.reliability.latency-exploration");
        rejects("switchboard: {reliability: {retry: {}}}\n", "switchboard.reliability.retry");
        rejects("switchboard: {reliability: {capacity-wait: -1s}}\n", "switchboard.reliability.capacity-wait");
    }
}
