package dev.switchboard.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated configuration. Immutable; built by {@link ConfigLoader} or {@link DefaultConfig}.
 *
 * @param masterKey when set, every API call must present it as a bearer key
 * @param origin where it came from ("built-in default", a file path), for the start-up banner
 * @param routing the cost-aware router's settings ({@code switchboard.routing})
 * @param ledger where routing records are written ({@code switchboard.ledger})
 * @param routers extra routers in the order they are tried ({@code switchboard.routers}: rules, semantic,
 *     learned); each entry is one {@code type: settings} pair, built by its {@link dev.switchboard.core.spi.RouterFactory}
 * @param reliability retries, fallbacks, cool-downs and load balancing ({@code router_settings},
 *     {@code switchboard.reliability})
 * @param cascades cascade aliases by name ({@code switchboard.cascades}); empty when none is configured
 * @param redis where replicas share rpm/tpm buckets and cool-downs ({@code switchboard.redis}); off by default
 */
public record SwitchboardConfig(
        ServerSettings server,
        List<Deployment> deployments,
        Optional<Secret> masterKey,
        String origin,
        RoutingSettings routing,
        LedgerSettings ledger,
        ReliabilitySettings reliability,
        Map<String, CascadeSettings> cascades,
        List<ConfigNode> routers,
        RedisSettings redis) {

    public SwitchboardConfig {
        deployments = List.copyOf(deployments);
        cascades = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cascades));
        routers = List.copyOf(routers);
    }

    /** A config without shared state between replicas. */
    public SwitchboardConfig(ServerSettings server, List<Deployment> deployments, Optional<Secret> masterKey, String origin,
            RoutingSettings routing, LedgerSettings ledger, ReliabilitySettings reliability,
            Map<String, CascadeSettings> cascades, List<ConfigNode> routers) {
        this(server, deployments, masterKey, origin, routing, ledger, reliability, cascades, routers, RedisSettings.none());
    }

    /** A config without cascades or extra routers. */
    public SwitchboardConfig(ServerSettings server, List<Deployment> deployments, Optional<Secret> masterKey, String origin,
            RoutingSettings routing, LedgerSettings ledger, ReliabilitySettings reliability) {
        this(server, deployments, masterKey, origin, routing, ledger, reliability, Map.of(), List.of());
    }

    /** A config with default routing, ledger and reliability settings. */
    public SwitchboardConfig(ServerSettings server, List<Deployment> deployments, Optional<Secret> masterKey,
            String origin) {
        this(server, deployments, masterKey, origin, RoutingSettings.defaults(), LedgerSettings.defaults(),
                ReliabilitySettings.defaults());
    }

    /** Deployments by model group, in config order. */
    public Map<String, List<Deployment>> modelGroups() {
        Map<String, List<Deployment>> groups = new LinkedHashMap<>();
        for (Deployment d : deployments) {
            groups.computeIfAbsent(d.modelName(), k -> new java.util.ArrayList<>()).add(d);
        }
        groups.replaceAll((k, v) -> List.copyOf(v));
        return groups;
    }

    public SwitchboardConfig withServer(ServerSettings s) {
        return new SwitchboardConfig(s, deployments, masterKey, origin, routing, ledger, reliability, cascades, routers, redis);
    }

    public SwitchboardConfig withMasterKey(Optional<Secret> key) {
        return new SwitchboardConfig(server, deployments, key, origin, routing, ledger, reliability, cascades, routers, redis);
    }

    public SwitchboardConfig withRouting(RoutingSettings r) {
        return new SwitchboardConfig(server, deployments, masterKey, origin, r, ledger, reliability, cascades, routers, redis);
    }

    public SwitchboardConfig withLedger(LedgerSettings l) {
        return new SwitchboardConfig(server, deployments, masterKey, origin, routing, l, reliability, cascades, routers, redis);
    }

    public SwitchboardConfig withRedis(RedisSettings r) {
        return new SwitchboardConfig(server, deployments, masterKey, origin, routing, ledger, reliability, cascades, routers, r);
    }

    public SwitchboardConfig withCascades(Map<String, CascadeSettings> c) {
        return new SwitchboardConfig(server, deployments, masterKey, origin, routing, ledger, reliability, c, routers, redis);
    }

    public SwitchboardConfig withReliability(ReliabilitySettings r) {
        return new SwitchboardConfig(server, deployments, masterKey, origin, routing, ledger, r, cascades, routers, redis);
    }
}
