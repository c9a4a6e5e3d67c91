package dev.switchboard.providers.anthropic;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderContext;
import dev.switchboard.core.spi.ProviderPlugin;

/** Registers the {@code anthropic} provider (Messages API over the shared HTTP transport). */
public final class AnthropicProviderPlugin implements ProviderPlugin {
    @Override
    public String id() {
        return "anthropic";
    }

    @Override
    public Provider create(ProviderContext context) {
        return new Provider(new AnthropicAdapter(context.ticker()), context.httpTransport());
    }
}
