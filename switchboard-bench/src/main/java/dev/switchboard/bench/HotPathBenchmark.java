package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.ConfigLoader;
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
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.reliability.BalancingStrategy;
import dev.switchboard.core.reliability.DeploymentHealth;
import dev.switchboard.core.reliability.DeploymentLimits;
import dev.switchboard.core.reliability.FallbackStage;
import dev.switchboard.core.reliability.HealthStage;
import dev.switchboard.core.reliability.RetryPolicy;
import dev.switchboard.core.reliability.RetryStage;
import dev.switchboard.core.reliability.Sleeper;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.RouteStage;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The gateway's own work per request, without I/O: parse the client's JSON, route it down the pipeline
 * to a terminal stage that answers at once, serialise the answer. {@code stages=reliability} puts the gateway's
 * fallback, retry and health stages (with load balancing and deployment limits) between routing and the answer, as
 * the gateway runs them, to show what they cost on the happy path.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
public class HotPathBenchmark extends GatewayJvmBenchmark {
    @Param({"route", "reliability"})
    public String stages;

    private byte[] body;
    private Pipeline pipeline;
    private ChatResponse canned;

    @Setup
    public void setup() {
        body = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
                + "{\"role\":\"user\",\"content\":\"Write one short sentence about latency budgets in API gateways.\"}],"
                + "\"temperature\":0.2,\"max_tokens\":64}").getBytes(StandardCharsets.UTF_8);
        SwitchboardConfig config = new ConfigLoader(k -> null, Set.of("openai")).parse("""
                model_list:
                  - {model_name: gpt-4o-mini, litellm_params: {model: openai/gpt-4o-mini, api_key: sk-x}}
                  - {model_name: gpt-4o-mini, litellm_params: {model: openai/gpt-4o-mini, api_key: sk-y}}
                """, "bench");
        canned = new ChatResponse("chatcmpl-1", 1_700_000_000L, "gpt-4o-mini", List.of(new Choice(0,
                Message.assistant("Every millisecond a gateway adds is a millisecond the user waits."), Optional.empty(),
                Optional.empty())), Optional.of(Usage.of(30, 14)), Optional.empty(), Optional.empty());
        List<Stage> list = new ArrayList<>();
        if (stages.equals("route")) {
            list.add(new RouteStage(List.of(new ModelGroupRouter(config.modelGroups()))));
        } else {
            var reliability = config.reliability();
            TokenCounter tokens = new TokenCounter();
            DeploymentHealth health = new DeploymentHealth(reliability, config.deployments(), Ticker.SYSTEM);
            DeploymentLimits limits = new DeploymentLimits(config.deployments(), Ticker.SYSTEM);
            ModelGroupRouter groups = new ModelGroupRouter(config.modelGroups(), BalancingStrategy.of(
                    reliability.routingStrategy(), health, limits, reliability.latencyExploration(),
                    java.util.concurrent.ThreadLocalRandom::current), Optional.empty());
            list.add(new RouteStage(List.of(groups)));
            list.add(new FallbackStage(reliability, groups, health, limits, tokens, Ticker.SYSTEM, Sleeper.SYSTEM));
            list.add(new RetryStage(RetryPolicy.of(reliability), health, Ticker.SYSTEM));
            list.add(new HealthStage(health));
        }
        list.add((exchange, next) -> new Reply.Complete(canned));
        pipeline = new Pipeline(list);
    }

    @Benchmark
    public byte[] parseRouteSerialise() {
        JsonNode node = Json.parseBody(body);
        ChatRequest request = OpenAiCodec.parseChatRequest(node);
        Exchange exchange = Exchange.of("r", request, Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
        Reply.Complete reply = (Reply.Complete) pipeline.run(exchange);
        return OpenAiCodec.writeChatResponse(reply.response(), null);
    }

    @Benchmark
    public byte[] parseOnly() {
        return Json.bytes(OpenAiCodec.parseChatRequest(Json.parseBody(body)).openAiBody().orElseThrow());
    }

}
