package dev.switchboard.providers.transport;

import dev.switchboard.core.spi.Transport;
import dev.switchboard.core.spi.TransportFactory;

/** Provides {@link JettyTransport} to the engine through {@link java.util.ServiceLoader}. */
public final class JettyTransportFactory implements TransportFactory {
    @Override
    public Transport create(TransportSettings settings) {
        return new JettyTransport(settings);
    }
}
