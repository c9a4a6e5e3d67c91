package dev.switchboard.core.pipeline;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.GatewayRequest;
import java.util.Optional;

/**
 * One request on its way through the pipeline: the canonical request plus a small typed context.
 * Immutable; stages make changed copies with the {@code with*} methods. The {@link ExchangeContext}
 * (response headers, attributes, attempts) is shared by all copies.
 *
 * @param deadlineNanos {@link dev.switchboard.core.Ticker#nanoTime()} by which the request must be done
 * @param plan set by the route stage
 * @param target set by the fallback stage: the deployment the terminal stage calls
 */
public record Exchange(
        String requestId,
        GatewayRequest request,
        Credentials credentials,
        Principal principal,
        long startNanos,
        long deadlineNanos,
        Optional<RoutePlan> plan,
        Optional<Deployment> target,
        ExchangeContext context) {

    public static Exchange of(String requestId, GatewayRequest request, Credentials credentials, long startNanos,
            long deadlineNanos) {
        return new Exchange(requestId, request, credentials, Principal.ANONYMOUS, startNanos, deadlineNanos,
                Optional.empty(), Optional.empty(), new ExchangeContext());
    }

    public boolean isChat() {
        return request instanceof ChatRequest;
    }

    public ChatRequest chat() {
        if (request instanceof ChatRequest c) return c;
        throw new IllegalStateException("not a chat exchange");
    }

    public EmbeddingRequest embedding() {
        if (request instanceof EmbeddingRequest e) return e;
        throw new IllegalStateException("not an embeddings exchange");
    }

    public Exchange withRequest(GatewayRequest r) {
        return new Exchange(requestId, r, credentials, principal, startNanos, deadlineNanos, plan, target, context);
    }

    public Exchange withPrincipal(Principal p) {
        return new Exchange(requestId, request, credentials, p, startNanos, deadlineNanos, plan, target, context);
    }

    public Exchange withPlan(RoutePlan p) {
        return new Exchange(requestId, request, credentials, principal, startNanos, deadlineNanos, Optional.of(p), target,
                context);
    }

    public Exchange withTarget(Deployment d) {
        return new Exchange(requestId, request, credentials, principal, startNanos, deadlineNanos, plan, Optional.of(d),
                context);
    }

    public Exchange withDeadline(long nanos) {
        return new Exchange(requestId, request, credentials, principal, startNanos, nanos, plan, target, context);
    }

    /**
     * A child exchange for one part of a decomposed request: its own context (headers, attempts), cut with this
     * one; the same caller and deadline.
     */
    public Exchange child(String childId, GatewayRequest r) {
        return new Exchange(childId, r, credentials, principal, startNanos, deadlineNanos, Optional.empty(),
                Optional.empty(), context.child());
    }
}
