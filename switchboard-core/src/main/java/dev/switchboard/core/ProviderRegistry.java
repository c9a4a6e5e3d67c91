package dev.switchboard.core;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderContext;
import dev.switchboard.core.spi.ProviderPlugin;
import dev.switchboard.core.spi.Transport;
import dev.switchboard.core.spi.TransportFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/** The providers available in this process, found with {@link ServiceLoader}. */
public final class ProviderRegistry implements AutoCloseable {
    private final Map<String, Provider> providers;
    private final Transport httpTransport;

    public ProviderRegistry(Map<String, Provider> providers, Transport httpTransport) {
        this.providers = Map.copyOf(providers);
        this.httpTransport = httpTransport;
    }

    /** Loads every {@link ProviderPlugin} on the class path, sharing one HTTP transport. */
    public static ProviderRegistry discover(Ticker ticker, TokenCounter tokens, TransportFactory.TransportSettings settings) {
        Transport http = ServiceLoader.load(TransportFactory.class).findFirst()
                .map(f -> f.create(settings))
                .orElseThrow(() -> new IllegalStateException(
                        "no HTTP transport on the class path: add the switchboard-providers module"));
        ProviderContext context = new ProviderContext(http, ticker, tokens);
        Map<String, Provider> found = new LinkedHashMap<>();
        for (ProviderPlugin plugin : ServiceLoader.load(ProviderPlugin.class)) {
            found.put(plugin.id(), plugin.create(context));
        }
        return new ProviderRegistry(found, http);
    }

    public Set<String> ids() {
        return providers.keySet();
    }

    public Provider forDeployment(Deployment deployment) {
        Provider p = providers.get(deployment.provider());
        if (p == null) throw new IllegalStateException("no provider '" + deployment.provider() + "' for " + deployment);
        return p;
    }

    @Override
    public void close() {
        for (Provider p : providers.values()) {
            if (p.transport() != httpTransport) p.transport().close();
        }
        httpTransport.close();
    }
}
