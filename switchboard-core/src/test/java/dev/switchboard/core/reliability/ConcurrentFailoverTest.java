package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.chat;
import static dev.switchboard.core.reliability.Fixtures.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Pipeline;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.RouteStage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 200 concurrent requests, half of them streams, through Route → Fallback → Retry → Health while one
 * deployment of the group fails most of its calls: the shared circuit and limits state stays consistent
 * and no client sees an error. Backoff waits are skipped.
 */
class ConcurrentFailoverTest {
    @Test
    void aFlappingDeploymentCausesNoClientVisibleErrorsWhileAHealthyOneExists() throws Exception {
        Deployment flaky = deployment("flaky", "gpt");
        Deployment healthy = deployment("healthy", "gpt");
        ReliabilitySettings settings = new Settings().circuit(3, Duration.ofSeconds(60), Duration.ofMillis(1)).build();
        DeploymentHealth health = new DeploymentHealth(settings, List.of(flaky, healthy), Ticker.SYSTEM);
        DeploymentLimits limits = new DeploymentLimits(List.of(flaky, healthy), Ticker.SYSTEM);
        ModelGroupRouter router = new ModelGroupRouter(Map.of("gpt", List.of(flaky, healthy)),
                new BalancingStrategy.SimpleShuffle(ThreadLocalRandom::current), Optional.empty());
        Sleeper noWait = d -> { };
        AtomicInteger flakyCalls = new AtomicInteger();
        Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
        Pipeline pipeline = new Pipeline(List.of(
                new RouteStage(List.of(router)),
                new FallbackStage(settings, router, health, limits, new TokenCounter(), Ticker.SYSTEM, noWait),
                new RetryStage(RetryPolicy.of(settings), health, Ticker.SYSTEM, noWait, () -> 0.5),
                new HealthStage(health),
                (exchange, next) -> {
                    String id = exchange.target().orElseThrow().id();
                    if (id.equals("flaky") && flakyCalls.incrementAndGet() % 4 != 0) {
                        throw flakyCalls.get() % 2 == 0 ? new GatewayException.ConnectionFailed("reset", null)
                                : new GatewayException.UpstreamError("upstream answered 503", 503, null);
                    }
                    answeredBy.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    if (exchange.chat().stream()) {
                        return new Reply.Streaming(ChatStream.of(List.of(
                                new ChatChunk("c", 1, id, List.of(), Optional.empty(), Optional.empty()))));
                    }
                    return Fixtures.complete(id);
                }));

        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                boolean stream = i % 2 == 0;
                results.add(executor.submit(() -> {
                    start.await();
                    long now = Ticker.SYSTEM.nanoTime();
                    Exchange exchange = Exchange.of("r", chat("gpt", "hi").withStream(stream), Credentials.IN_PROCESS, now,
                            now + Duration.ofSeconds(60).toNanos());
                    Reply reply = pipeline.run(exchange);
                    if (reply instanceof Reply.Streaming s) {
                        int chunks = 0;
                        try (ChatStream st = s.stream()) {
                            while (st.next().isPresent()) chunks++;
                        }
                        return chunks;
                    }
                    return reply instanceof Reply.Complete ? 1 : 0;
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) assertThat(f.get()).isEqualTo(1);
        }

        assertThat(answeredBy.get("healthy").get() + answeredBy.getOrDefault("flaky", new AtomicInteger()).get())
                .isEqualTo(200);
        assertThat(flakyCalls.get()).isPositive();
        assertThat(health.inFlight("flaky")).isZero();
        assertThat(health.inFlight("healthy")).isZero();
    }
}
