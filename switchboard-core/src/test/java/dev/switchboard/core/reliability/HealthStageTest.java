package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.chat;
import static dev.switchboard.core.reliability.Fixtures.deployment;
import static dev.switchboard.core.reliability.Fixtures.exchange;
import static dev.switchboard.core.reliability.Fixtures.serverError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthStageTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Deployment target = deployment("a", "gpt");
    private final DeploymentHealth health = new DeploymentHealth(
            new Settings().circuit(2, Duration.ofSeconds(60), Duration.ofSeconds(10)).build(), List.of(target), ticker);
    private final HealthStage stage = new HealthStage(health);
    private final Fixtures.ScriptedChain chain = new Fixtures.ScriptedChain();

    private Exchange call() {
        return exchange(chat("gpt", "hi"), ticker, Duration.ofSeconds(60)).withTarget(target);
    }

    @Test
    void skipsTheDeploymentWithoutCallingItWhileTheCircuitIsOpenAndGivesTrafficBackAfterTheProbe() {
        chain.fail("a", serverError(), serverError());
        assertThatThrownBy(() -> stage.apply(call(), chain)).isInstanceOf(GatewayException.UpstreamError.class);
        assertThatThrownBy(() -> stage.apply(call(), chain)).isInstanceOf(GatewayException.UpstreamError.class);

        assertThatThrownBy(() -> stage.apply(call(), chain)).isInstanceOf(GatewayException.Overloaded.class);
        assertThat(chain.calls).hasSize(2);

        ticker.advance(Duration.ofSeconds(10));
        assertThat(stage.apply(call(), chain)).isInstanceOf(Reply.Complete.class);
        assertThat(stage.apply(call(), chain)).isInstanceOf(Reply.Complete.class);
        assertThat(chain.calls).hasSize(4);
        assertThat(health.status("a").state()).isEqualTo(DeploymentHealth.State.CLOSED);
    }

    @Test
    void aStreamStaysInFlightUntilItEndsAndAMidStreamFailureCounts() {
        chain.answer("a", () -> new Reply.Streaming(Fixtures.failingAfterFirstChunk(
                new GatewayException.UpstreamTimeout("stream stalled"))));

        var stream = ((Reply.Streaming) stage.apply(call(), chain)).stream();
        assertThat(health.inFlight("a")).isEqualTo(1);
        assertThat(health.status("a").successes()).isEqualTo(1);

        stream.next();
        assertThatThrownBy(stream::next).isInstanceOf(GatewayException.UpstreamTimeout.class);

        assertThat(health.inFlight("a")).isZero();
        assertThat(health.status("a").failures()).isEqualTo(1);
    }

    /**
     * A call interrupted because the exchange was cut (its reader left, or shutdown) fails, but not because of the
     * deployment: neither a failed call nor a stream that broke mid-answer counts against it.
     */
    @Test
    void aCallThatFailsBecauseItsExchangeWasCutDoesNotCountAgainstTheDeployment() {
        Exchange refused = call();
        chain.fail("a", new GatewayException.ConnectionFailed("interrupted while calling a", null));
        refused.context().cut(new GatewayException.ClientClosed());
        assertThatThrownBy(() -> stage.apply(refused, chain)).isInstanceOf(GatewayException.ConnectionFailed.class);

        Exchange streaming = call();
        chain.answer("a", () -> new Reply.Streaming(Fixtures.failingAfterFirstChunk(
                new GatewayException.UpstreamTimeout("interrupted while reading"))));
        var stream = ((Reply.Streaming) stage.apply(streaming, chain)).stream();
        stream.next();
        streaming.context().cut(new GatewayException.ClientClosed());
        assertThatThrownBy(stream::next).isInstanceOf(GatewayException.UpstreamTimeout.class);

        assertThat(health.inFlight("a")).isZero();
        assertThat(health.status("a").failures()).isZero();
        assertThat(health.status("a").state()).isEqualTo(DeploymentHealth.State.CLOSED);
    }

    /**
     * A part of a split request runs in its own exchange: when the gateway cuts the request at shutdown, the part's
     * interrupted call or stream does not count against its deployment either.
     */
    @Test
    void aPartsCallInterruptedBecauseItsRequestWasCutAtShutdownDoesNotCount() {
        GatewayException shutdown = new GatewayException.Overloaded("shutting down", null, GatewayException.Overloaded.SHUTDOWN);
        Exchange request = exchange(chat("gpt", "hi"), ticker, Duration.ofSeconds(60));
        Exchange part = request.child(request.requestId() + ".0", chat("gpt", "hi")).withTarget(target);
        chain.fail("a", new GatewayException.ConnectionFailed("interrupted while calling a", null));
        request.context().cut(shutdown);
        assertThatThrownBy(() -> stage.apply(part, chain)).isInstanceOf(GatewayException.ConnectionFailed.class);

        Exchange streamingRequest = exchange(chat("gpt", "hi"), ticker, Duration.ofSeconds(60));
        Exchange streamingPart = streamingRequest.child(streamingRequest.requestId() + ".1", chat("gpt", "hi"))
                .withTarget(target);
        chain.answer("a", () -> new Reply.Streaming(Fixtures.failingAfterFirstChunk(
                new GatewayException.UpstreamTimeout("interrupted while reading"))));
        var stream = ((Reply.Streaming) stage.apply(streamingPart, chain)).stream();
        stream.next();
        streamingRequest.context().cut(shutdown);
        assertThatThrownBy(stream::next).isInstanceOf(GatewayException.UpstreamTimeout.class);

        assertThat(health.inFlight("a")).isZero();
        assertThat(health.status("a").failures()).isZero();
        assertThat(health.status("a").state()).isEqualTo(DeploymentHealth.State.CLOSED);
    }

    @Test
    void anUnexpectedExceptionStillReleasesTheCall() {
        assertThatThrownBy(() -> stage.apply(call(), ex -> {
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(health.inFlight("a")).isZero();
    }
}
