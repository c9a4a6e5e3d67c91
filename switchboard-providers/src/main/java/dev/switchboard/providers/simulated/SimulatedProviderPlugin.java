package dev.switchboard.providers.simulated;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderContext;
import dev.switchboard.core.spi.ProviderPlugin;

/**
 * Registers the offline {@code simulated} provider: {@link SimulatedAdapter} over its own in-process
 * {@link SimulatedTransport}, sleeping for real and drawing faults at random. Its answers are always
 * labelled: {@code system_fingerprint} is {@code simulated}, and the pipeline adds
 * {@code x-switchboard-simulated: true}.
 */
public final class SimulatedProviderPlugin implements ProviderPlugin {
    @Override
    public String id() {
        return SimulatedAdapter.ID;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new Provider(new SimulatedAdapter(System::getenv), new SimulatedTransport(context.ticker(), context.tokens()));
    }
}
