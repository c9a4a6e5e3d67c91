package dev.switchboard.core.stages;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.ProviderRegistry;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ServerSettings;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.pipeline.Attempt;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderAdapter;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.spi.WireStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The terminal stage: translates the request for the target deployment, sends it, and translates the
 * answer back. A stream is primed: its first chunk is read before this stage returns, so a failure
 * before any byte reaches the client is still an exception the fallback and retry stages can act on.
 */
public final class ProviderCallStage implements Stage {
    /** An upstream's error body is read this far: enough for any provider's error object. */
    private static final int ERROR_BODY_BYTES = 1 << 20;

    private final ProviderRegistry providers;
    private final Ticker ticker;
    private final int maxEventBytes;

    public ProviderCallStage(ProviderRegistry providers, Ticker ticker) {
        this(providers, ticker, ServerSettings.DEFAULT_MAX_EVENT_BYTES);
    }

    /** {@code maxEventBytes}: the largest stream event (or line) read from an upstream. */
    public ProviderCallStage(ProviderRegistry providers, Ticker ticker, int maxEventBytes) {
        this.providers = providers;
        this.ticker = ticker;
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        Deployment target = exchange.target().orElseThrow(() -> new IllegalStateException("no target deployment"));
        Provider provider = providers.forDeployment(target);
        Timeouts timeouts = timeoutsFor(exchange, target);
        long start = ticker.nanoTime();
        try {
            Reply reply = switch (exchange.request()) {
                case ChatRequest chat when chat.stream() -> stream(chat, target, provider, timeouts, exchange, start);
                case ChatRequest chat -> complete(chat, target, provider, timeouts);
                case EmbeddingRequest emb -> embed(emb, target, provider, timeouts);
            };
            if (!(reply instanceof Reply.Streaming)) record(exchange, target, start, null);
            label(exchange, target);
            return reply;
        } catch (GatewayException e) {
            record(exchange, target, start, e);
            throw e;
        }
    }

    private Reply complete(ChatRequest chat, Deployment target, Provider provider, Timeouts timeouts) {
        WireResponse response = provider.transport().send(provider.adapter().toWire(chat, target), timeouts);
        if (!response.ok()) throw provider.adapter().mapError(response.status(), response.headers(), response.body());
        ChatResponse answer = provider.adapter().fromWire(response, chat);
        return new Reply.Complete(answer);
    }

    /**
     * Read as it arrives where the adapter can parse it so: a large batch's answer is tens of MB, and a small heap should
     * not hold it twice. Otherwise read whole, as a chat answer is.
     */
    private Reply embed(EmbeddingRequest request, Deployment target, Provider provider, Timeouts timeouts) {
        ProviderAdapter adapter = provider.adapter();
        if (!adapter.parsesEmbeddingsAsTheyArrive()) {
            WireResponse response = provider.transport().send(adapter.toWire(request, target), timeouts);
            if (!response.ok()) throw adapter.mapError(response.status(), response.headers(), response.body());
            return new Reply.Embeddings(adapter.embeddingsFromWire(response, request));
        }
        return provider.transport().receive(adapter.toWire(request, target), timeouts, (status, headers, body) -> {
            if (status < 200 || status >= 300) throw adapter.mapError(status, headers, body.readNBytes(ERROR_BODY_BYTES));
            return new Reply.Embeddings(adapter.embeddingsFromBody(status, headers, body, request));
        });
    }

    private Reply stream(ChatRequest chat, Deployment target, Provider provider, Timeouts timeouts, Exchange exchange,
            long start) {
        WireStream wire = provider.transport().open(provider.adapter().toWire(chat, target), timeouts);
        if (wire.status() < 200 || wire.status() >= 300) {
            byte[] body;
            try (wire) {
                body = wire.body().readNBytes(ERROR_BODY_BYTES);
            } catch (IOException e) {
                body = new byte[0];
            }
            throw provider.adapter().mapError(wire.status(), wire.headers(), body);
        }
        Optional<String> document = notAStream(wire.headers().first("content-type"));
        if (document.isPresent()) {
            wire.close();
            throw new GatewayException.UpstreamError(target.provider() + " answered a stream request with Content-Type '"
                    + document.get() + "' instead of a stream", 502, null);
        }
        UpstreamChatStream upstream = new UpstreamChatStream(wire, provider.adapter(), chat, maxEventBytes);
        Optional<ChatChunk> first;
        try {
            first = upstream.next();
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
        }
        if (first.isEmpty()) {
            // Nothing was answered; passing this on would look like a complete, empty answer.
            throw new GatewayException.UpstreamError(target.provider() + " ended the stream before its first event", 502, null);
        }
        ChatStream primed = new PrimedStream(first, upstream)
                .onEnd(error -> record(exchange, target, start, error instanceof GatewayException g ? g : null));
        return new Reply.Streaming(primed);
    }

    /**
     * The content type of a 2xx answer to a stream request when it is plainly a page rather than a stream
     * (a proxy or captive portal). JSON is left to the stream decoders: some servers label streams so, and a
     * JSON document yields no event, which fails below.
     */
    static Optional<String> notAStream(Optional<String> contentType) {
        String type = contentType.map(t -> t.strip().toLowerCase(Locale.ROOT)).orElse("");
        return type.startsWith("text/html") ? contentType : Optional.empty();
    }

    private Timeouts timeoutsFor(Exchange exchange, Deployment target) {
        // A cut exchange (shutdown) starts no further call: no retry or fallback behind the interrupt that cut it.
        if (exchange.context().cutReason().isPresent()) throw exchange.context().cutReason().get();
        long remaining = exchange.deadlineNanos() - ticker.nanoTime();
        if (remaining <= 0) throw new GatewayException.UpstreamTimeout("the request deadline passed before calling " + target.id());
        return target.timeouts().cappedAt(Duration.ofNanos(remaining));
    }

    private void record(Exchange exchange, Deployment target, long start, GatewayException error) {
        exchange.context().recordAttempt(new Attempt(target.id(), target.provider(), ticker.nanoTime() - start,
                Optional.ofNullable(error).map(e -> e.getClass().getSimpleName() + ": " + e.getMessage())));
    }

    private static void label(Exchange exchange, Deployment target) {
        exchange.context().header("x-switchboard-deployment", target.id());
        exchange.context().header("x-switchboard-provider", target.provider());
        if (target.simulated()) exchange.context().header("x-switchboard-simulated", "true");
    }

    /** Replays the primed first chunk, then continues with the upstream. */
    private static final class PrimedStream implements ChatStream {
        private Optional<ChatChunk> first;
        private final ChatStream rest;

        PrimedStream(Optional<ChatChunk> first, ChatStream rest) {
            this.first = first;
            this.rest = rest;
        }

        @Override
        public Optional<ChatChunk> next() {
            if (first != null) {
                Optional<ChatChunk> f = first;
                first = null;
                return f;
            }
            return rest.next();
        }

        @Override
        public boolean ready() {
            return first != null || rest.ready();
        }

        @Override
        public void close() {
            rest.close();
        }
    }
}
