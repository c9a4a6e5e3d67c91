package dev.switchboard.core.spi;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;

/** What a provider plugin may use when it is created: the shared HTTP transport, time, a tokenizer. */
public record ProviderContext(Transport httpTransport, Ticker ticker, TokenCounter tokens) {}
