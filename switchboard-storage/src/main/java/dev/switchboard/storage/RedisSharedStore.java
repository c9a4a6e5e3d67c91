package dev.switchboard.storage;

import dev.switchboard.core.config.RedisSettings;
import dev.switchboard.core.reliability.SharedStore;
import dev.switchboard.core.reliability.SharedStoreUnavailableException;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link SharedStore} in Redis, through one Lettuce connection: Bucket4j's Lettuce proxy manager keeps the
 * buckets ({@code <prefix>limits:...}), plain keys with a TTL the cool-downs ({@code <prefix>cooldown:<id>}, value:
 * until when, epoch millis), and a sorted set the live replicas ({@code <prefix>replicas}: member the replica's id,
 * score when Redis last heard from it, by Redis's own clock so the replicas' clocks need not agree), and plain keys with
 * a TTL the values kept for a while ({@code <prefix>value:<key>}).
 */
public final class RedisSharedStore implements SharedStore {
    /** A bucket nobody used for this long after it refilled is dropped by Redis. */
    private static final Duration IDLE_BUCKET = Duration.ofSeconds(10);
    private static final Duration SHORTEST_CONNECT = Duration.ofSeconds(2);

    static {
        // Netty's direct memory through sun.misc.Unsafe makes JDK 25 print a deprecation warning on stderr at the first
        // Redis connection; its plain NIO buffers are ample for a few small commands per request.
        if (System.getProperty("io.netty.noUnsafe") == null) System.setProperty("io.netty.noUnsafe", "true");
    }

    /** One round trip: stamp this replica, drop those not heard from within the window, count the rest. */
    private static final String HEARTBEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[2])
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            redis.call('PEXPIRE', KEYS[1], window)
            return redis.call('ZCARD', KEYS[1])
            """;

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final AsyncProxyManager<String> buckets;
    private final String prefix;

    private RedisSharedStore(RedisClient client, StatefulRedisConnection<String, byte[]> connection, String prefix) {
        this.client = client;
        this.connection = connection;
        this.prefix = prefix;
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(IDLE_BUCKET))
                .build().asAsync();
    }

    /**
     * Connects and checks that Redis answers.
     *
     * @throws SharedStoreUnavailableException naming the config key and the URL without its password
     */
    public static RedisSharedStore connect(RedisSettings settings) {
        // Connecting, the handshake and the start-up PING may take longer than a request may wait (a cold JVM, TLS); the
        // requests' own bound is applied where they wait (SharedState), this one only ends commands nobody waits for.
        Duration longest = settings.timeout().compareTo(SHORTEST_CONNECT) > 0 ? settings.timeout() : SHORTEST_CONNECT;
        RedisURI uri = RedisURI.create(settings.url().orElseThrow().value());
        uri.setTimeout(longest);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                // Fail at once while disconnected rather than queue: a queued refund would land much later.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(longest))
                .socketOptions(SocketOptions.builder().keepAlive(true).tcpNoDelay(true).connectTimeout(longest).build())
                .build());
        try {
            StatefulRedisConnection<String, byte[]> c = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            c.sync().ping();
            return new RedisSharedStore(client, c, settings.keyPrefix());
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            throw new SharedStoreUnavailableException("cannot reach Redis at " + settings.source() + " ("
                    + settings.redactedUrl() + "): " + root.getMessage(), e);
        }
    }

    /**
     * Batching: the checks of one bucket that this process has in flight together go to Redis as one compare-and-swap.
     * Without it they fail each other's swaps and retry: 4 concurrent requests on one deployment fell to ~1,200/s,
     * 16 waited past the timeout.
     */
    @Override
    public AsyncBucketProxy bucket(String name, BucketConfiguration configuration) {
        return buckets.builder().withOptimization(Optimizations.batching())
                .build(prefix + name, () -> CompletableFuture.completedFuture(configuration));
    }

    @Override
    public CompletableFuture<Void> putCoolDown(String deploymentId, long untilEpochMillis) {
        long ttl = untilEpochMillis - System.currentTimeMillis();
        if (ttl <= 0) return CompletableFuture.completedFuture(null);
        return connection.async().set(coolDownKey(deploymentId), Long.toString(untilEpochMillis).getBytes(StandardCharsets.US_ASCII),
                SetArgs.Builder.px(ttl)).toCompletableFuture().thenApply(ok -> null);
    }

    @Override
    public CompletableFuture<Map<String, Long>> coolDowns(List<String> deploymentIds) {
        if (deploymentIds.isEmpty()) return CompletableFuture.completedFuture(Map.of());
        String[] keys = deploymentIds.stream().map(this::coolDownKey).toArray(String[]::new);
        return connection.async().mget(keys).toCompletableFuture().thenApply(values -> {
            Map<String, Long> out = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                KeyValue<String, byte[]> v = values.get(i);
                if (v.hasValue()) out.put(deploymentIds.get(i), Long.parseLong(new String(v.getValue(), StandardCharsets.US_ASCII)));
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<Integer> heartbeat(String replicaId, Duration window) {
        return connection.async().<Long>eval(HEARTBEAT, ScriptOutputType.INTEGER, new String[] {replicasKey()},
                        replicaId.getBytes(StandardCharsets.UTF_8), Long.toString(window.toMillis()).getBytes(StandardCharsets.US_ASCII))
                .toCompletableFuture().thenApply(Long::intValue);
    }

    @Override
    public CompletableFuture<Void> leave(String replicaId) {
        return connection.async().zrem(replicasKey(), replicaId.getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                .thenApply(removed -> null);
    }

    @Override
    public CompletableFuture<Void> putValue(String key, byte[] value, Duration ttl) {
        return connection.async().set(valueKey(key), value, SetArgs.Builder.px(Math.max(1, ttl.toMillis())))
                .toCompletableFuture().thenApply(ok -> null);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> value(String key) {
        return connection.async().get(valueKey(key)).toCompletableFuture().thenApply(Optional::ofNullable);
    }

    @Override
    public CompletableFuture<Boolean> removeValue(String key) {
        return connection.async().del(valueKey(key)).toCompletableFuture().thenApply(removed -> removed > 0);
    }

    private String valueKey(String key) {
        return prefix + "value:" + key;
    }

    private String replicasKey() {
        return prefix + "replicas";
    }

    private String coolDownKey(String deploymentId) {
        return prefix + "cooldown:" + deploymentId;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
