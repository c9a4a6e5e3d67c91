package dev.switchboard.providers.ollama;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderContext;
import dev.switchboard.core.spi.ProviderPlugin;

/** Registers the {@code ollama} provider: {@link OllamaAdapter} over the shared HTTP transport. */
public final class OllamaProviderPlugin implements ProviderPlugin {
    @Override
    public String id() {
        return OllamaAdapter.ID;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new Provider(new OllamaAdapter(context.ticker()), context.httpTransport());
    }
}
