package dev.switchboard.providers.openai;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderContext;
import dev.switchboard.core.spi.ProviderPlugin;

/** Registers the {@code openai} provider: {@link OpenAiAdapter} over the shared HTTP transport. */
public final class OpenAiProviderPlugin implements ProviderPlugin {
    @Override
    public String id() {
        return OpenAiAdapter.ID;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new Provider(new OpenAiAdapter(context.ticker(), context.tokens()), context.httpTransport());
    }
}
