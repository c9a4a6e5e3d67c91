package dev.switchboard.core.spi;

import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.stages.Router;

/**
 * Builds one kind of router from its {@code switchboard.routers} entry; found with
 * {@link java.util.ServiceLoader}, so heavy routers (local embeddings) live in their own module.
 */
public interface RouterFactory {
    /** The entry's key: "rules", "semantic", "learned". */
    String type();

    /** Throws {@link dev.switchboard.core.config.ConfigException} naming the key of a bad setting. */
    Router create(ConfigNode settings, SwitchboardConfig config);
}
