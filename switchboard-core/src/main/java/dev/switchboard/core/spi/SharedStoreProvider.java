package dev.switchboard.core.spi;

import dev.switchboard.core.config.RedisSettings;
import dev.switchboard.core.reliability.SharedStore;
import java.util.Optional;

/**
 * Connects to the store replicas share their limits and cool-downs through; found with
 * {@link java.util.ServiceLoader} so the core does not depend on a Redis client. Empty when none is configured.
 *
 * @throws dev.switchboard.core.reliability.SharedStoreUnavailableException when the store does not answer
 */
public interface SharedStoreProvider {
    Optional<SharedStore> open(RedisSettings settings);
}
