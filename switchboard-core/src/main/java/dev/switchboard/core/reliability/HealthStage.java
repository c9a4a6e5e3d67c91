package dev.switchboard.core.reliability;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.Stage;

/**
 * Guards each upstream call with its deployment's circuit breaker: fails fast (a retryable error, so the
 * fallback stage moves on) while the circuit is open, and reports every outcome back. A stream counts
 * as answered once its first chunk arrived; a later failure still counts against the deployment, and
 * the call stays in flight until the stream ends. A call interrupted because the exchange was cut is released
 * without counting either way (an unanswered probe lets the next call probe).
 */
public final class HealthStage implements Stage {
    private final DeploymentHealth health;

    public HealthStage(DeploymentHealth health) {
        this.health = health;
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        Deployment target = exchange.target().orElseThrow(() -> new IllegalStateException("no target deployment"));
        DeploymentHealth.Call call = health.admit(target.id());
        Reply reply;
        try {
            reply = next.proceed(exchange);
        } catch (GatewayException e) {
            if (!cut(exchange)) call.failed(e);
            call.release();
            throw e;
        } catch (RuntimeException | Error e) {
            call.release();
            throw e;
        }
        call.succeeded();
        if (reply instanceof Reply.Streaming s) {
            return new Reply.Streaming(s.stream().onEnd(error -> {
                if (error instanceof GatewayException g && DeploymentHealth.countsAsFailure(g) && !cut(exchange)) call.failed(g);
                call.release();
            }));
        }
        call.release();
        return reply;
    }

    /**
     * Whether the gateway cut the exchange short (its reader left, or shutdown): the call then failed because it was
     * interrupted, which says nothing about the deployment.
     */
    private static boolean cut(Exchange exchange) {
        return exchange.context().cutReason().isPresent();
    }
}
