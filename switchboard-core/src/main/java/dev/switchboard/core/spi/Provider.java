package dev.switchboard.core.spi;

/** An adapter paired with the transport that carries its requests. */
public record Provider(ProviderAdapter adapter, Transport transport) {
    public String id() {
        return adapter.id();
    }
}
