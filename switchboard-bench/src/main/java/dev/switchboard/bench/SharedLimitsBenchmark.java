package dev.switchboard.bench;

import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.RedisSettings;
import dev.switchboard.core.config.Secret;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Pipeline;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.reliability.BalancingStrategy;
import dev.switchboard.core.reliability.DeploymentHealth;
import dev.switchboard.core.reliability.DeploymentLimits;
import dev.switchboard.core.reliability.FallbackStage;
import dev.switchboard.core.reliability.HealthStage;
import dev.switchboard.core.reliability.RetryPolicy;
import dev.switchboard.core.reliability.RetryStage;
import dev.switchboard.core.reliability.SharedState;
import dev.switchboard.core.reliability.Sleeper;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.RouteStage;
import dev.switchboard.storage.RedisSharedStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One request through the reliability stages of a deployment with rpm and tpm limits (high enough never to refuse),
 * the buckets in memory ({@code store=memory}) or shared through Redis ({@code store=redis}, at {@code redisUrl}, keys
 * under a prefix of their own that expire by themselves): what sharing the limits adds to a request. Redis must run.
 */
@State(Scope.Benchmark)
public class SharedLimitsBenchmark extends GatewayJvmBenchmark {
    @Param({"memory", "redis"})
    public String store;

    @Param("redis://127.0.0.1:6379/0")
    public String redisUrl;

    private Pipeline pipeline;
    private ChatRequest request;
    private Optional<SharedState> shared = Optional.empty();

    @Setup
    public void setup() {
        SwitchboardConfig config = new ConfigLoader(k -> null, Set.of("openai")).parse("""
                model_list:
                  - {model_name: gpt-4o-mini, litellm_params: {model: openai/gpt-4o-mini, api_key: sk-x, rpm: 2000000000, tpm: 2000000000}}
                """, "bench");
        if (store.equals("redis")) {
            RedisSettings s = new RedisSettings(Optional.of(new Secret(redisUrl)), "redisUrl", RedisSettings.DEFAULT_TIMEOUT,
                    "switchboard-bench:" + UUID.randomUUID() + ":");
            shared = Optional.of(SharedState.start(RedisSharedStore.connect(s), s, List.of(config.deployments().getFirst().id())));
        }
        var reliability = config.reliability();
        DeploymentHealth health = new DeploymentHealth(reliability, config.deployments(), Ticker.SYSTEM, shared);
        DeploymentLimits limits = new DeploymentLimits(config.deployments(), Ticker.SYSTEM, shared);
        ModelGroupRouter groups = new ModelGroupRouter(config.modelGroups(), BalancingStrategy.of(
                reliability.routingStrategy(), health, limits, reliability.latencyExploration(),
                java.util.concurrent.ThreadLocalRandom::current), Optional.empty());
        ChatResponse canned = new ChatResponse("chatcmpl-1", 1_700_000_000L, "gpt-4o-mini", List.of(new Choice(0,
                Message.assistant("Every millisecond a gateway adds is a millisecond the user waits."), Optional.empty(),
                Optional.empty())), Optional.of(Usage.of(30, 14)), Optional.empty(), Optional.empty());
        pipeline = new Pipeline(List.of(new RouteStage(List.of(groups)),
                new FallbackStage(reliability, groups, health, limits, new TokenCounter(), Ticker.SYSTEM, Sleeper.SYSTEM),
                new RetryStage(RetryPolicy.of(reliability), health, Ticker.SYSTEM), new HealthStage(health),
                (exchange, next) -> new Reply.Complete(canned)));
        request = ChatRequest.builder("gpt-4o-mini").message(Message.user("Write one short sentence about latency budgets."))
                .build();
    }

    @TearDown
    public void tearDown() {
        shared.ifPresent(SharedState::close);
    }

    @Benchmark
    public Reply reserveCallSettle() {
        Reply reply = pipeline.run(Exchange.of("r", request, Credentials.IN_PROCESS, 0, Long.MAX_VALUE));
        if (shared.isPresent() && !shared.get().up()) throw new IllegalStateException("Redis stopped answering");
        return reply;
    }
}
