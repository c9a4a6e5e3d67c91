package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.chat;
import static dev.switchboard.core.reliability.Fixtures.deployment;
import static dev.switchboard.core.reliability.Fixtures.exchange;
import static dev.switchboard.core.reliability.Fixtures.serverError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Pipeline;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.RouteStage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Route → Fallback → Retry → Health over a scripted terminal stage, as {@code PipelineAssembly} orders them. */
class ReliabilityPipelineTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Deployment a = deployment("a", "gpt");
    private final Deployment b = deployment("b", "gpt");
    private final Fixtures.ScriptedChain upstream = new Fixtures.ScriptedChain();
    private final ReliabilitySettings settings = new Settings()
            .retries(new ReliabilitySettings.Retries(2, 0, 2, 2))
            .circuit(3, Duration.ofSeconds(60), Duration.ofSeconds(5)).build();
    private final DeploymentHealth health = new DeploymentHealth(settings, List.of(a, b), ticker);
    private final Pipeline pipeline = pipeline();

    private Pipeline pipeline() {
        ModelGroupRouter router = new ModelGroupRouter(Map.of("gpt", List.of(a, b)), (g, t) -> g, Optional.empty());
        DeploymentLimits limits = new DeploymentLimits(List.of(a, b), ticker);
        return new Pipeline(List.of(
                new RouteStage(List.of(router)),
                new FallbackStage(settings, router, health, limits, new TokenCounter(), ticker, ticker),
                new RetryStage(RetryPolicy.of(settings), health, ticker, ticker, () -> 0.5),
                new HealthStage(health),
                (exchange, next) -> upstream.proceed(exchange)));
    }

    private Exchange request() {
        return exchange(chat("gpt", "hi"), ticker, Duration.ofSeconds(60));
    }

    @Test
    void aRateLimitWithRetryAfterFailsOverAtOnceAndCoolsTheDeploymentDown() {
        upstream.fail("a", new GatewayException.RateLimited("slow down", Duration.ofSeconds(20)));
        Exchange first = request();

        assertThat(pipeline.run(first)).isInstanceOf(Reply.Complete.class);
        assertThat(upstream.calls).containsExactly("a", "b");
        assertThat(ticker.sleeps).isEmpty();
        assertThat(first.context().responseHeaders()).containsEntry("x-switchboard-fallbacks", "1");

        pipeline.run(request());
        assertThat(upstream.calls).containsExactly("a", "b", "b");
    }

    @Test
    void aRecoveredDeploymentGetsTrafficBackRightAfterItsCoolDown() {
        upstream.fail("a", serverError(), serverError(), serverError());
        pipeline.run(request());
        assertThat(upstream.calls).containsExactly("a", "a", "a", "b");
        assertThat(health.status("a").state()).isEqualTo(DeploymentHealth.State.OPEN);

        pipeline.run(request());
        assertThat(upstream.calls).endsWith("b", "b");

        ticker.advance(Duration.ofSeconds(5));
        pipeline.run(request());
        pipeline.run(request());
        assertThat(upstream.calls).endsWith("b", "b", "a", "a");
        assertThat(health.status("a").state()).isEqualTo(DeploymentHealth.State.CLOSED);
    }

    @Test
    void aSilentUpstreamIsFailedOverNotRetried() {
        upstream.fail("a", new GatewayException.UpstreamTimeout("no first byte within 60s"));

        pipeline.run(request());

        assertThat(upstream.calls).containsExactly("a", "b");
    }

    @Test
    void aFlappingDeploymentNeverSurfacesAnErrorWhileTheOtherIsHealthy() {
        for (int i = 0; i < 200; i++) {
            if (i % 2 == 0) upstream.fail("a", serverError(), new GatewayException.ConnectionFailed("reset", null));
            ticker.advance(Duration.ofMillis(700));
            assertThat(pipeline.run(request())).isInstanceOf(Reply.Complete.class);
        }
        assertThat(upstream.calls).contains("a", "b");
    }

    @Test
    void failedAttemptsAreAllVisibleToTheLedgerThroughTheExchange() {
        upstream.fail("a", serverError(), serverError(), serverError());
        Exchange exchange = request();

        pipeline.run(exchange);

        assertThat(upstream.exchanges).allSatisfy(e -> assertThat(e.context()).isSameAs(exchange.context()));
        assertThat(exchange.context().responseHeaders()).containsEntry("x-switchboard-fallbacks", "1");
    }
}
