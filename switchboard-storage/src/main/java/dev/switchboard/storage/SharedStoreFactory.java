package dev.switchboard.storage;

import dev.switchboard.core.config.RedisSettings;
import dev.switchboard.core.reliability.SharedStore;
import dev.switchboard.core.spi.SharedStoreProvider;
import java.util.Optional;

/** Connects to the Redis the config names ({@code switchboard.redis.url} or LiteLLM's {@code redis_*}). */
public final class SharedStoreFactory implements SharedStoreProvider {
    /** For {@link java.util.ServiceLoader}. */
    public SharedStoreFactory() {}

    @Override
    public Optional<SharedStore> open(RedisSettings settings) {
        return settings.enabled() ? Optional.of(RedisSharedStore.connect(settings)) : Optional.empty();
    }
}
