package dev.switchboard.core.spi;

/**
 * Makes a provider available to the engine; found with {@link java.util.ServiceLoader}, so the core
 * does not depend on any provider.
 */
public interface ProviderPlugin {
    String id();

    Provider create(ProviderContext context);
}
