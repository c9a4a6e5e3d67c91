package dev.switchboard.core.spi;

/** Creates the shared HTTP transport; found with {@link java.util.ServiceLoader}. */
public interface TransportFactory {
    Transport create(TransportSettings settings);

    /** Connection-pool and I/O settings for the shared client. */
    record TransportSettings(int maxConnectionsPerDestination, int maxResponseBytes) {
        public static final TransportSettings DEFAULT = new TransportSettings(1024, 64 * 1024 * 1024);
    }
}
