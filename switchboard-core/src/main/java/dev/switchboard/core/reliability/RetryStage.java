package dev.switchboard.core.reliability;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.Stage;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Tries the same deployment again after a retryable failure, waiting with exponential backoff and full
 * jitter, or exactly as long as the upstream's {@code Retry-After} asked. It gives up (and the fallback
 * stage moves on) when the error class's retry count is used up, when the wait would cross the request
 * deadline, when the deployment's circuit would still be open, or when the upstream rate-limited us or
 * asked for a pause and another deployment can answer now. Fatal errors (400/401/403/404, context window, content
 * filter) are never retried. A stream returned by the chain is final: the terminal stage read its first
 * chunk, so nothing is retried once a byte may have reached the client.
 */
public final class RetryStage implements Stage {
    private final RetryPolicy policy;
    private final DeploymentHealth health;
    private final Ticker ticker;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public RetryStage(RetryPolicy policy, DeploymentHealth health, Ticker ticker, Sleeper sleeper, DoubleSupplier random) {
        this.policy = policy;
        this.health = health;
        this.ticker = ticker;
        this.sleeper = sleeper;
        this.random = random;
    }

    public RetryStage(RetryPolicy policy, DeploymentHealth health, Ticker ticker) {
        this(policy, health, ticker, Sleeper.SYSTEM, () -> ThreadLocalRandom.current().nextDouble());
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        Deployment target = exchange.target().orElseThrow(() -> new IllegalStateException("no target deployment"));
        int[] used = new int[ErrorClass.values().length];
        for (int retry = 0; ; retry++) {
            try {
                return next.proceed(exchange);
            } catch (GatewayException.Retryable e) {
                Duration wait = waitBeforeRetry(exchange, target, e, used, retry).orElseThrow(() -> e);
                sleeper.sleep(wait);
            }
        }
    }

    private Optional<Duration> waitBeforeRetry(Exchange exchange, Deployment target, GatewayException.Retryable e,
            int[] used, int retry) {
        ErrorClass errorClass = ErrorClass.of(e);
        if (used[errorClass.ordinal()] >= policy.allowed(errorClass)) return Optional.empty();
        boolean alternative = exchange.context().get(FallbackStage.HAS_ALTERNATIVE).orElse(false);
        // A rate-limited or paused upstream is relieved at once when another deployment can answer.
        if (alternative && (errorClass == ErrorClass.RATE_LIMIT || e.retryAfter().isPresent())) return Optional.empty();
        Optional<Duration> wait = policy.delay(retry, e.retryAfter(), random.getAsDouble());
        if (wait.isEmpty()) return wait;
        long resumeAt = ticker.nanoTime() + wait.get().toNanos();
        if (resumeAt >= exchange.deadlineNanos()) return Optional.empty();
        if (health.blockedAt(target.id(), resumeAt)) return Optional.empty();
        used[errorClass.ordinal()]++;
        return wait;
    }
}
