package dev.switchboard.core.stages;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.Stage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Outermost stage: sees every outcome (answers, cache hits, errors) and hands it to the observers —
 * the access log, metrics, the ledger. For a stream, when the stream ends.
 */
public final class ObserveStage implements Stage {
    private static final Logger LOG = Logger.getLogger(ObserveStage.class.getName());

    private final Ticker ticker;
    private final List<Consumer<RequestOutcome>> observers;

    public ObserveStage(Ticker ticker, List<Consumer<RequestOutcome>> observers) {
        this.ticker = ticker;
        this.observers = List.copyOf(observers);
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        Reply reply;
        try {
            reply = next.proceed(exchange);
        } catch (RuntimeException e) {
            publish(exchange, false, Optional.empty(), e);
            throw e;
        }
        return switch (reply) {
            case Reply.Complete c -> {
                publish(exchange, false, c.response().usage(), null);
                yield reply;
            }
            case Reply.Embeddings e -> {
                publish(exchange, false, Optional.of(e.response().usage()), null);
                yield reply;
            }
            case Reply.Streaming s -> new Reply.Streaming(observed(exchange, s.stream()));
        };
    }

    private ChatStream observed(Exchange exchange, ChatStream stream) {
        AtomicReference<Usage> usage = new AtomicReference<>();
        return stream.map(chunk -> {
            chunk.usage().ifPresent(usage::set);
            return chunk;
        }).onEnd(error -> publish(exchange, true, Optional.ofNullable(usage.get()), error));
    }

    private void publish(Exchange exchange, boolean stream, Optional<Usage> usage, Throwable error) {
        // A request the gateway cut (shutdown) ended for that reason: not for the interrupted read or early close it caused.
        Optional<Throwable> failure = exchange.context().settle().<Throwable>map(cut -> cut).or(() -> Optional.ofNullable(error));
        RequestOutcome outcome = new RequestOutcome(exchange, stream, ticker.nanoTime() - exchange.startNanos(), usage,
                failure);
        for (Consumer<RequestOutcome> observer : observers) {
            try {
                observer.accept(outcome);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an observer failed; the request is unaffected", e); // never fail a request over bookkeeping
            }
        }
    }
}
