package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisConfigTest {
    private final ConfigLoader loader = new ConfigLoader(
            Map.of("REDIS_URL", "redis://:env-pass@cache.internal:6380/2", "REDIS_PASSWORD", "p@ss w0rd")::get,
            Set.of("openai", "simulated"));

    private RedisSettings redis(String yaml) {
        return loader.parse("model_list: []\n" + yaml, "test").redis();
    }

    private ConfigException error(String yaml) {
        return (ConfigException) catchThrowable(() -> redis(yaml));
    }

    @Test
    void withoutRedisSettingsNothingIsShared() {
        RedisSettings s = redis("");
        assertThat(s.enabled()).isFalse();
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.keyPrefix()).isEqualTo("switchboard:");
    }

    @Test
    void readsSwitchboardsOwnSection() {
        RedisSettings s = redis("""
                switchboard:
                  redis: {url: "rediss://:secret@cache.internal:6380/3", timeout: 250ms, key-prefix: "fleet-a:"}
                """);
        assertThat(s.url().orElseThrow().value()).isEqualTo("rediss://:secret@cache.internal:6380/3");
        assertThat(s.source()).isEqualTo("switchboard.redis.url");
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.keyPrefix()).isEqualTo("fleet-a:");
        assertThat(s.redactedUrl()).isEqualTo("rediss://****@cache.internal:6380/3");
        assertThat(s.toString()).doesNotContain("secret");
    }

    @Test
    void readsLiteLlmsHostPortAndPasswordWithSecretsFromTheEnvironment() {
        RedisSettings s = redis("""
                router_settings:
                  redis_host: cache.internal
                  redis_port: 6380
                  redis_password: os.environ/REDIS_PASSWORD
                """);
        assertThat(s.url().orElseThrow().value()).isEqualTo("redis://:p%40ss+w0rd@cache.internal:6380");
        assertThat(s.source()).isEqualTo("router_settings.redis_host");
        assertThat(s.redactedUrl()).doesNotContain("w0rd");
    }

    @Test
    void readsLiteLlmsUrlAndTheDefaultPort() {
        assertThat(redis("router_settings: {redis_url: os.environ/REDIS_URL}\n").url().orElseThrow().value())
                .isEqualTo("redis://:env-pass@cache.internal:6380/2");
        assertThat(redis("router_settings: {redis_host: 10.0.0.7}\n").url().orElseThrow().value())
                .isEqualTo("redis://10.0.0.7:6379");
        assertThat(redis("litellm_settings: {redis_host: cache.internal}\n").url().orElseThrow().value())
                .isEqualTo("redis://cache.internal:6379");
    }

    @Test
    void switchboardsKeyWinsOverLiteLlms() {
        RedisSettings s = redis("""
                router_settings: {redis_host: litellm.internal}
                switchboard:
                  redis: {url: "redis://own.internal:6379/0"}
                """);
        assertThat(s.url().orElseThrow().value()).isEqualTo("redis://own.internal:6379/0");
        assertThat(s.source()).isEqualTo("switchboard.redis.url");
    }

    @Test
    void badValuesNameTheirKeyAndNeverShowThePassword() {
        ConfigException scheme = error("switchboard:\n  redis: {url: \"http://:hunter2@cache:6379\"}\n");
        assertThat(scheme.key()).isEqualTo("switchboard.redis.url");
        assertThat(scheme).hasMessageContaining("redis:// or rediss://").hasMessageNotContaining("hunter2");
        assertThat(error("switchboard:\n  redis: {url: \"redis://:hunter2@cache:6379/zero\"}\n"))
                .hasMessageContaining("database number").hasMessageNotContaining("hunter2");
        assertThat(error("switchboard:\n  redis: {url: \"redis:///0\"}\n").key()).isEqualTo("switchboard.redis.url");
        assertThat(error("switchboard:\n  redis: {url: \"redis://cache:6379\", timeout: 0s}\n").key())
                .isEqualTo("switchboard.redis.timeout");
        assertThat(error("switchboard:\n  redis: {host: cache}\n").key()).isEqualTo("switchboard.redis.host");
        assertThat(error("router_settings: {redis_host: cache, redis_port: 70000}\n").key())
                .isEqualTo("router_settings.redis_port");
        assertThat(error("router_settings: {redis_host: \"cache/0\"}\n").key()).isEqualTo("router_settings.redis_host");
        assertThat(error("router_settings: {redis_password: os.environ/REDIS_PASSWORD}\n").key())
                .isEqualTo("router_settings.redis_password");
        assertThat(error("router_settings: {redis_url: os.environ/NOT_SET}\n"))
                .hasMessageContaining("NOT_SET is not set");
    }
}
