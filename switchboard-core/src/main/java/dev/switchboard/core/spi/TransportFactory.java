package dev.switchboard.core.spi;

import dev.switchboard.core.config.ServerSettings;

/** Creates the shared HTTP transport; found with {@link java.util.ServiceLoader}. */
public interface TransportFactory {
    Transport create(TransportSettings settings);

    /**
     * Connection-pool and I/O settings for the shared client.
     *
     * @param maxResponseBytes the largest answer {@link Transport#send} reads whole
     * @param maxReceivedBytes the largest answer {@link Transport#receive} hands to its reader as it arrives
     */
    record TransportSettings(int maxConnectionsPerDestination, int maxResponseBytes, int maxReceivedBytes) {
        public static final TransportSettings DEFAULT = new TransportSettings(1024,
                ServerSettings.DEFAULT_MAX_RESPONSE_BYTES, ServerSettings.DEFAULT_MAX_EMBEDDINGS_RESPONSE_BYTES);
    }
}
