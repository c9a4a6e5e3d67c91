package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.chat;
import static dev.switchboard.core.reliability.Fixtures.deployment;
import static dev.switchboard.core.reliability.Fixtures.exchange;
import static dev.switchboard.core.reliability.Fixtures.serverError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RetryStageTest {
    private final ManualTicker ticker = new ManualTicker();
    private final ReliabilitySettings settings = ReliabilitySettings.defaults();
    private final Deployment target = deployment("a", "gpt");
    private final DeploymentHealth health = new DeploymentHealth(settings, List.of(target), ticker);
    private final Fixtures.ScriptedChain chain = new Fixtures.ScriptedChain();

    private RetryStage stage(ReliabilitySettings.Retries retries, double jitter) {
        RetryPolicy policy = new RetryPolicy(retries, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30));
        return new RetryStage(policy, health, ticker, ticker, () -> jitter);
    }

    private Exchange call(Duration timeout) {
        return exchange(chat("gpt", "hi"), ticker, timeout).withTarget(target);
    }

    @Test
    void retriesAServerErrorWithGrowingJitteredBackoffUntilItSucceeds() {
        chain.fail("a", serverError(), serverError());
        Reply reply = stage(new ReliabilitySettings.Retries(2, 0, 2, 2), 0.5).apply(call(Duration.ofSeconds(60)), chain);

        assertThat(reply).isInstanceOf(Reply.Complete.class);
        assertThat(chain.calls).containsExactly("a", "a", "a");
        assertThat(ticker.sleeps).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @Test
    void givesUpWhenTheErrorClassCountIsUsedUp() {
        GatewayException last = new GatewayException.ConnectionFailed("refused", null);
        chain.fail("a", new GatewayException.ConnectionFailed("refused", null), last);

        assertThatThrownBy(() -> stage(new ReliabilitySettings.Retries(3, 0, 3, 1), 0.5).apply(call(Duration.ofSeconds(60)), chain))
                .isSameAs(last);
        assertThat(chain.calls).hasSize(2);
    }

    @Test
    void countsEachErrorClassSeparately() {
        chain.fail("a", new GatewayException.RateLimited("slow down", null), serverError(),
                new GatewayException.RateLimited("slow down", null));

        Reply reply = stage(new ReliabilitySettings.Retries(2, 0, 1, 0), 0.0).apply(call(Duration.ofSeconds(60)), chain);

        assertThat(reply).isInstanceOf(Reply.Complete.class);
        assertThat(chain.calls).hasSize(4);
    }

    static List<GatewayException> fatalErrors() {
        return List.of(new GatewayException.BadRequest("bad", "messages"), new GatewayException.AuthenticationFailed("no"),
                new GatewayException.PermissionDenied("no"), GatewayException.NotFound.model("x"),
                new GatewayException.ContextWindowExceeded("too long"), new GatewayException.ContentFiltered("refused"));
    }

    @ParameterizedTest
    @MethodSource("fatalErrors")
    void neverRetriesAFatalError(GatewayException error) {
        chain.fail("a", error);

        assertThatThrownBy(() -> stage(ReliabilitySettings.Retries.DEFAULT, 0.5).apply(call(Duration.ofSeconds(60)), chain))
                .isSameAs(error);
        assertThat(chain.calls).hasSize(1);
        assertThat(ticker.sleeps).isEmpty();
    }

    @Test
    void waitsExactlyAsLongAsRetryAfterAskedWhenNoOtherDeploymentCanAnswer() {
        chain.fail("a", new GatewayException.RateLimited("slow down", Duration.ofMillis(1500)));

        stage(ReliabilitySettings.Retries.DEFAULT, 0.1).apply(call(Duration.ofSeconds(60)), chain);

        assertThat(ticker.sleeps).containsExactly(Duration.ofMillis(1500));
        assertThat(chain.calls).hasSize(2);
    }

    @Test
    void failsOverInsteadOfWaitingOutRetryAfterWhenAnotherDeploymentFollows() {
        GatewayException limited = new GatewayException.RateLimited("slow down", Duration.ofSeconds(2));
        chain.fail("a", limited);
        Exchange exchange = call(Duration.ofSeconds(60));
        exchange.context().set(FallbackStage.HAS_ALTERNATIVE, true);

        assertThatThrownBy(() -> stage(ReliabilitySettings.Retries.DEFAULT, 0.5).apply(exchange, chain)).isSameAs(limited);
        assertThat(ticker.sleeps).isEmpty();
    }

    @Test
    void aRateLimitFailsOverAtOnceWhenAnotherDeploymentFollowsAndBacksOffWhenNoneDoes() {
        GatewayException limited = new GatewayException.RateLimited("slow down", null);
        chain.fail("a", limited, new GatewayException.RateLimited("slow down", null));
        Exchange withAlternative = call(Duration.ofSeconds(60));
        withAlternative.context().set(FallbackStage.HAS_ALTERNATIVE, true);

        assertThatThrownBy(() -> stage(ReliabilitySettings.Retries.DEFAULT, 0.5).apply(withAlternative, chain)).isSameAs(limited);
        assertThat(stage(ReliabilitySettings.Retries.DEFAULT, 0.5).apply(call(Duration.ofSeconds(60)), chain))
                .isInstanceOf(Reply.Complete.class);
        assertThat(chain.calls).hasSize(3);
        assertThat(ticker.sleeps).containsExactly(Duration.ofMillis(50));
    }

    /** The gateway's own memory bound is no sign of the deployment's health: not retried, not counted against it. */
    @Test
    void aFullBufferBudgetIsNeitherRetriedNorHeldAgainstTheDeployment() {
        GatewayException full = new GatewayException.BuffersFull("holding its limit", Duration.ofSeconds(1));
        chain.fail("a", full);

        assertThatThrownBy(() -> stage(ReliabilitySettings.Retries.DEFAULT, 0.5).apply(call(Duration.ofSeconds(60)), chain))
                .isSameAs(full);
        assertThat(chain.calls).hasSize(1);
        assertThat(DeploymentHealth.countsAsFailure(full)).isFalse();
        assertThat(health.status("a").recentFailures()).isZero();
    }

    @Test
    void neverWaitsPastTheRequestDeadline() {
        GatewayException overloaded = new GatewayException.Overloaded("busy", Duration.ofSeconds(5));
        chain.fail("a", overloaded);

        assertThatThrownBy(() -> stage(ReliabilitySettings.Retries.DEFAULT, 0.5).apply(call(Duration.ofSeconds(3)), chain))
                .isSameAs(overloaded);
        assertThat(ticker.sleeps).isEmpty();
        assertThat(chain.calls).hasSize(1);
    }

    @Test
    void stopsRetryingWhenTheBackoffWouldCrossTheDeadline() {
        chain.onCall(() -> ticker.advance(Duration.ofMillis(400))).fail("a", serverError(), serverError(), serverError());
        Exchange exchange = call(Duration.ofSeconds(1));

        assertThatThrownBy(() -> stage(new ReliabilitySettings.Retries(5, 0, 5, 5), 0.99).apply(exchange, chain))
                .isInstanceOf(GatewayException.UpstreamError.class);
        assertThat(ticker.nanoTime()).isLessThan(exchange.deadlineNanos());
        assertThat(chain.calls).hasSize(2);
    }

    @Test
    void doesNotRetryASilentUpstreamOnTheSameDeployment() {
        GatewayException silent = new GatewayException.UpstreamTimeout("no first byte within 60s");
        chain.fail("a", silent);

        assertThatThrownBy(() -> stage(ReliabilitySettings.Retries.DEFAULT, 0.5).apply(call(Duration.ofSeconds(600)), chain))
                .isSameAs(silent);
        assertThat(chain.calls).hasSize(1);
    }

    @Test
    void aStreamIsFinalOnceReturnedEvenIfItFailsLater() {
        chain.answer("a", () -> new Reply.Streaming(Fixtures.failingAfterFirstChunk(serverError())));

        Reply reply = stage(ReliabilitySettings.Retries.DEFAULT, 0.5).apply(call(Duration.ofSeconds(60)), chain);
        var stream = ((Reply.Streaming) reply).stream();

        assertThat(stream.next()).isPresent();
        assertThatThrownBy(stream::next).isInstanceOf(GatewayException.UpstreamError.class);
        assertThat(chain.calls).containsExactly("a");
    }

    @Test
    void doesNotRetryADeploymentWhoseCircuitStaysOpenLongerThanTheBackoff() {
        ReliabilitySettings oneStrike = new ReliabilitySettings(ReliabilitySettings.Retries.DEFAULT, settings.backoffBase(),
                settings.backoffMax(), settings.maxRetryAfter(), 1, settings.failureWindow(), Duration.ofSeconds(30),
                settings.routingStrategy(), settings.fallbacks(), settings.defaultFallbacks(),
                settings.contextWindowFallbacks(), settings.contentPolicyFallbacks(), settings.requestTimeout(),
                settings.capacityWait(), settings.latencyExploration(), settings.latencyEwmaAlpha());
        DeploymentHealth strict = new DeploymentHealth(oneStrike, List.of(target), ticker);
        RetryStage retry = new RetryStage(RetryPolicy.of(oneStrike), strict, ticker, ticker, () -> 0.5);
        HealthStage guard = new HealthStage(strict);
        chain.fail("a", serverError());

        assertThatThrownBy(() -> retry.apply(call(Duration.ofSeconds(60)), ex -> guard.apply(ex, chain)))
                .isInstanceOf(GatewayException.UpstreamError.class);
        assertThat(chain.calls).hasSize(1);
        assertThat(ticker.sleeps).isEmpty();
    }

    @Test
    void doesNotWaitOutACircuitOpenedByARetryAfterLongerThanItWouldWaitFor() {
        // The upstream asked for 30 s; the circuit reopens after max-retry-after (5 s). A request that then meets the
        // open circuit must fail over as the first one did, not sleep 5 s and ask again.
        ReliabilitySettings capped = new Settings().maxRetryAfter(Duration.ofSeconds(5)).build();
        DeploymentHealth cooling = new DeploymentHealth(capped, List.of(target), ticker);
        DeploymentHealth.Call first = cooling.admit("a");
        first.failed(new GatewayException.RateLimited("slow down", Duration.ofSeconds(30)));
        first.release();
        RetryStage retry = new RetryStage(RetryPolicy.of(capped), cooling, ticker, ticker, () -> 0.5);
        HealthStage guard = new HealthStage(cooling);

        assertThatThrownBy(() -> retry.apply(call(Duration.ofSeconds(60)), ex -> guard.apply(ex, chain)))
                .isInstanceOfSatisfying(GatewayException.Overloaded.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(30)));
        assertThat(chain.calls).isEmpty();
        assertThat(ticker.sleeps).isEmpty();
        assertThat(cooling.blockedFor("a")).isEqualTo(Duration.ofSeconds(5));
    }
}
