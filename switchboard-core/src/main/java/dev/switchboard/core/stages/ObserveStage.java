package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.Stage;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Outermost stage: writes one structured (JSON) log line per request when it ends — for a stream, when
 * the stream ends — with what was asked, where it went, how long it took and what it used.
 */
public final class ObserveStage implements Stage {
    public static final Logger ACCESS_LOG = Logger.getLogger("switchboard.access");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Ticker ticker;

    public ObserveStage(Ticker ticker) {
        this.ticker = ticker;
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        Reply reply;
        try {
            reply = next.proceed(exchange);
        } catch (GatewayException e) {
            log(exchange, Optional.empty(), e, false);
            throw e;
        } catch (RuntimeException e) {
            log(exchange, Optional.empty(), e, false);
            throw e;
        }
        return switch (reply) {
            case Reply.Complete c -> {
                log(exchange, c.response().usage(), null, false);
                yield reply;
            }
            case Reply.Embeddings e -> {
                log(exchange, Optional.of(e.response().usage()), null, false);
                yield reply;
            }
            case Reply.Streaming s -> new Reply.Streaming(observed(exchange, s.stream()));
        };
    }

    private ChatStream observed(Exchange exchange, ChatStream stream) {
        AtomicReference<Usage> usage = new AtomicReference<>();
        ChatStream tracking = stream.map(chunk -> {
            chunk.usage().ifPresent(usage::set);
            return chunk;
        });
        return tracking.onEnd(error -> log(exchange, Optional.ofNullable(usage.get()), error, true));
    }

    private void log(Exchange exchange, Optional<Usage> usage, Throwable error, boolean stream) {
        if (!ACCESS_LOG.isLoggable(Level.INFO)) return;
        ObjectNode line = JSON.createObjectNode();
        line.put("ts", java.time.Instant.ofEpochMilli(ticker.epochMillis()).toString());
        line.put("request_id", exchange.requestId());
        line.put("kind", exchange.isChat() ? "chat" : "embeddings");
        line.put("model", exchange.request().model());
        line.put("stream", stream);
        line.put("caller", exchange.principal().id());
        var headers = exchange.context().responseHeaders();
        if (headers.containsKey("x-switchboard-deployment")) line.put("deployment", headers.get("x-switchboard-deployment"));
        if (headers.containsKey("x-switchboard-provider")) line.put("provider", headers.get("x-switchboard-provider"));
        line.put("attempts", exchange.context().attempts().size());
        line.put("latency_ms", Math.round((ticker.nanoTime() - exchange.startNanos()) / 1e4) / 100.0);
        usage.ifPresent(u -> {
            line.put("prompt_tokens", u.promptTokens());
            line.put("completion_tokens", u.completionTokens());
        });
        if (error == null) {
            line.put("status", 200);
        } else if (error instanceof GatewayException g) {
            line.put("status", g.status());
            line.put("error_type", g.type());
            line.put("error", g.getMessage());
        } else {
            line.put("status", 500);
            line.put("error", String.valueOf(error));
        }
        ACCESS_LOG.info(line.toString());
    }

}
