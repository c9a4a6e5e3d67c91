package dev.switchboard.core.stages;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.Stage;
import java.util.List;

/**
 * Walks the plan's candidates: a retryable failure or a context-window overflow moves on to the next
 * deployment; any other fatal error is the answer. Reports how many fallbacks were used.
 */
public final class FallbackStage implements Stage {
    @Override
    public Reply apply(Exchange exchange, Chain next) {
        List<Deployment> candidates = RouteStage.planOf(exchange).candidates();
        if (candidates.isEmpty()) throw new GatewayException.Overloaded("no deployment is available for this model", null);
        GatewayException last = null;
        for (int i = 0; i < candidates.size(); i++) {
            try {
                Reply reply = next.proceed(exchange.withTarget(candidates.get(i)));
                exchange.context().header("x-switchboard-fallbacks", Integer.toString(i));
                return reply;
            } catch (GatewayException.Retryable | GatewayException.ContextWindowExceeded e) {
                last = e;
            }
        }
        throw last;
    }
}
