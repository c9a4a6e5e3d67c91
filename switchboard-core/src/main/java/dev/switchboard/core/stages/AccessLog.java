package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.wire.Json;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Writes one structured (JSON) line per request to the {@code switchboard.access} logger. */
public final class AccessLog implements Consumer<RequestOutcome> {
    public static final Logger LOGGER = Logger.getLogger("switchboard.access");

    private final Ticker ticker;

    public AccessLog(Ticker ticker) {
        this.ticker = ticker;
    }

    @Override
    public void accept(RequestOutcome o) {
        if (!LOGGER.isLoggable(Level.INFO)) return;
        var exchange = o.exchange();
        ObjectNode line = Json.object();
        line.put("ts", java.time.Instant.ofEpochMilli(ticker.epochMillis()).toString());
        line.put("request_id", exchange.requestId());
        line.put("kind", exchange.isChat() ? "chat" : "embeddings");
        line.put("model", exchange.request().model());
        line.put("stream", o.stream());
        line.put("caller", exchange.principal().id());
        var headers = exchange.context().responseHeaders();
        if (headers.containsKey("x-switchboard-deployment")) line.put("deployment", headers.get("x-switchboard-deployment"));
        if (headers.containsKey("x-switchboard-provider")) line.put("provider", headers.get("x-switchboard-provider"));
        line.put("attempts", exchange.context().attempts().size());
        line.put("latency_ms", Math.round(o.latencyNanos() / 1e4) / 100.0);
        o.usage().ifPresent(u -> {
            line.put("prompt_tokens", u.promptTokens());
            line.put("completion_tokens", u.completionTokens());
        });
        if (o.error().isEmpty()) {
            line.put("status", 200);
        } else if (o.error().get() instanceof GatewayException g) {
            line.put("status", g.status());
            line.put("error_type", g.type());
            line.put("error", g.getMessage());
        } else {
            line.put("status", 500);
            line.put("error", String.valueOf(o.error().get()));
        }
        LOGGER.info(line.toString());
    }
}
