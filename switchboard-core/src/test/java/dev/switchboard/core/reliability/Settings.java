package dev.switchboard.core.reliability;

import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.config.RoutingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reliability settings for tests: the defaults with the few values a test cares about changed. */
final class Settings {
    private ReliabilitySettings.Retries retries = ReliabilitySettings.Retries.DEFAULT;
    private int threshold = 3;
    private Duration window = Duration.ofSeconds(60);
    private Duration coolDown = Duration.ofSeconds(5);
    private RoutingStrategy strategy = RoutingStrategy.SIMPLE_SHUFFLE;
    private Map<String, List<String>> fallbacks = Map.of();
    private List<String> defaultFallbacks = List.of();
    private Map<String, List<String>> contextWindowFallbacks = Map.of();
    private Map<String, List<String>> contentPolicyFallbacks = Map.of();
    private Optional<Duration> timeout = Optional.empty();
    private Duration capacityWait = Duration.ofSeconds(2);
    private double exploration = 0.1;
    private Duration maxRetryAfter = ReliabilitySettings.defaults().maxRetryAfter();

    Settings retries(ReliabilitySettings.Retries v) { retries = v; return this; }
    Settings circuit(int failures, Duration inWindow, Duration cool) { threshold = failures; window = inWindow; coolDown = cool; return this; }
    Settings strategy(RoutingStrategy v) { strategy = v; return this; }
    Settings fallbacks(Map<String, List<String>> v) { fallbacks = v; return this; }
    Settings defaultFallbacks(List<String> v) { defaultFallbacks = v; return this; }
    Settings contextWindowFallbacks(Map<String, List<String>> v) { contextWindowFallbacks = v; return this; }
    Settings contentPolicyFallbacks(Map<String, List<String>> v) { contentPolicyFallbacks = v; return this; }
    Settings timeout(Duration v) { timeout = Optional.of(v); return this; }
    Settings capacityWait(Duration v) { capacityWait = v; return this; }
    Settings exploration(double v) { exploration = v; return this; }
    Settings maxRetryAfter(Duration v) { maxRetryAfter = v; return this; }

    ReliabilitySettings build() {
        ReliabilitySettings d = ReliabilitySettings.defaults();
        return new ReliabilitySettings(retries, d.backoffBase(), d.backoffMax(), maxRetryAfter, threshold, window, coolDown,
                strategy, fallbacks, defaultFallbacks, contextWindowFallbacks, contentPolicyFallbacks, timeout, capacityWait,
                exploration, d.latencyEwmaAlpha());
    }
}
