package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.deployment;
import static dev.switchboard.core.reliability.Fixtures.serverError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.reliability.DeploymentHealth.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentHealthTest {
    private final ManualTicker ticker = new ManualTicker();
    private final DeploymentHealth health = new DeploymentHealth(
            new Settings().circuit(3, Duration.ofSeconds(60), Duration.ofSeconds(5)).build(),
            List.of(deployment("a", "gpt"), deployment("b", "gpt")), ticker);

    private void fail(String id, GatewayException e) {
        DeploymentHealth.Call call = health.admit(id);
        call.failed(e);
        call.release();
    }

    private void succeed(String id) {
        DeploymentHealth.Call call = health.admit(id);
        call.succeeded();
        call.release();
    }

    @Test
    void opensAfterThresholdFailuresWithinTheWindow() {
        fail("a", serverError());
        fail("a", serverError());
        assertThat(health.status("a").state()).isEqualTo(State.CLOSED);

        fail("a", serverError());

        assertThat(health.status("a").state()).isEqualTo(State.OPEN);
        assertThat(health.status("a").recentFailures()).isEqualTo(3);
        assertThat(health.status("b").state()).isEqualTo(State.CLOSED);
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        fail("a", serverError());
        fail("a", serverError());
        ticker.advance(Duration.ofSeconds(61));

        fail("a", serverError());

        assertThat(health.status("a").state()).isEqualTo(State.CLOSED);
        assertThat(health.status("a").recentFailures()).isEqualTo(1);
    }

    @Test
    void anOpenCircuitFailsFastWithARetryableErrorSayingWhenItReopens() {
        for (int i = 0; i < 3; i++) fail("a", serverError());
        ticker.advance(Duration.ofSeconds(2));

        assertThatThrownBy(() -> health.admit("a"))
                .isInstanceOfSatisfying(GatewayException.Overloaded.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(3)));
        assertThat(health.blockedAt("a", ticker.nanoTime())).isTrue();
    }

    @Test
    void anAbsurdRetryAfterCoolsDownForMaxRetryAfterWithoutOverflowing() {
        fail("a", new GatewayException.RateLimited("come back next millennium", Duration.ofSeconds(Long.MAX_VALUE / 2)));

        assertThat(health.blockedFor("a")).isEqualTo(dev.switchboard.core.config.ReliabilitySettings.defaults().maxRetryAfter());
        assertThatThrownBy(() -> health.admit("a")).isInstanceOfSatisfying(GatewayException.Overloaded.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofDays(1)));
    }

    @Test
    void aRateLimitWithRetryAfterCoolsTheDeploymentDownAtOnceForThatLong() {
        fail("a", new GatewayException.RateLimited("slow down", Duration.ofSeconds(12)));

        DeploymentHealth.Status status = health.status("a");
        assertThat(status.state()).isEqualTo(State.OPEN);
        assertThat(status.coolDownUntil()).contains(Instant.ofEpochMilli(ticker.epochMillis() + 12_000));
        assertThat(health.blockedFor("a")).isEqualTo(Duration.ofSeconds(12));
        assertThat(status.lastError()).hasValueSatisfying(e -> assertThat(e).contains("RateLimited", "slow down"));
    }

    @Test
    void afterTheCoolDownOnlyOneProbeIsLetThrough() {
        for (int i = 0; i < 3; i++) fail("a", serverError());
        ticker.advance(Duration.ofSeconds(5));

        DeploymentHealth.Call probe = health.admit("a");

        assertThat(probe.probe()).isTrue();
        assertThat(health.status("a").state()).isEqualTo(State.HALF_OPEN);
        assertThatThrownBy(() -> health.admit("a")).isInstanceOf(GatewayException.Overloaded.class);
    }

    @Test
    void aSuccessfulProbeClosesTheCircuitAndTrafficFlowsAgain() {
        for (int i = 0; i < 3; i++) fail("a", serverError());
        ticker.advance(Duration.ofSeconds(5));

        succeed("a");

        assertThat(health.status("a").state()).isEqualTo(State.CLOSED);
        assertThat(health.status("a").recentFailures()).isZero();
        assertThat(health.admit("a").probe()).isFalse();
        assertThat(health.admit("a").probe()).isFalse();
    }

    @Test
    void aFailedProbeOpensTheCircuitForAnotherCoolDown() {
        for (int i = 0; i < 3; i++) fail("a", serverError());
        ticker.advance(Duration.ofSeconds(5));

        fail("a", new GatewayException.ConnectionFailed("refused", null));

        assertThat(health.status("a").state()).isEqualTo(State.OPEN);
        assertThat(health.blockedFor("a")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aProbeThatEndsWithoutAVerdictLetsTheNextCallProbe() {
        for (int i = 0; i < 3; i++) fail("a", serverError());
        ticker.advance(Duration.ofSeconds(5));
        health.admit("a").release();

        assertThat(health.admit("a").probe()).isTrue();
    }

    @Test
    void errorsAboutTheRequestItselfDoNotCountAgainstTheDeployment() {
        for (int i = 0; i < 5; i++) {
            fail("a", new GatewayException.BadRequest("bad", "messages"));
            fail("a", new GatewayException.ContextWindowExceeded("too long"));
            fail("a", new GatewayException.ContentFiltered("refused"));
        }

        assertThat(health.status("a").state()).isEqualTo(State.CLOSED);
        assertThat(health.status("a").failures()).isZero();
        assertThat(health.status("a").successes()).isEqualTo(15);
    }

    @Test
    void anUpstreamAuthenticationFailureCountsAgainstTheDeployment() {
        for (int i = 0; i < 3; i++) fail("a", new GatewayException.AuthenticationFailed("bad upstream key"));

        assertThat(health.status("a").state()).isEqualTo(State.OPEN);
    }

    @Test
    void tracksCallsInFlightAndALatencyMovingAverage() {
        DeploymentHealth.Call first = health.admit("a");
        DeploymentHealth.Call second = health.admit("a");
        assertThat(health.inFlight("a")).isEqualTo(2);

        ticker.advance(Duration.ofMillis(100));
        first.succeeded();
        first.release();
        first.release();
        assertThat(health.inFlight("a")).isEqualTo(1);
        assertThat(health.latencyNanos("a")).hasValue(100_000_000);

        ticker.advance(Duration.ofMillis(100));
        second.succeeded();
        second.release();
        // 0.3 · 200ms + 0.7 · 100ms
        assertThat(health.status("a").latencyMillis().getAsDouble()).isCloseTo(130.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(health.inFlight("a")).isZero();
    }

    @Test
    void theSnapshotListsEveryDeploymentIncludingThoseNeverCalled() {
        fail("b", serverError());

        assertThat(health.snapshot()).extracting(DeploymentHealth.Status::deploymentId).containsExactly("a", "b");
        assertThat(health.snapshot().get(1).failures()).isEqualTo(1);
        assertThat(health.snapshot().get(0).available()).isTrue();
    }
}
