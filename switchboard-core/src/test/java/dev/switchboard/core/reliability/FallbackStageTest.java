package dev.switchboard.core.reliability;

import static dev.switchboard.core.reliability.Fixtures.chat;
import static dev.switchboard.core.reliability.Fixtures.deployment;
import static dev.switchboard.core.reliability.Fixtures.exchange;
import static dev.switchboard.core.reliability.Fixtures.serverError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FallbackStageTest {
    private static final TokenCounter TOKENS = new TokenCounter();

    private final ManualTicker ticker = new ManualTicker();
    private final Fixtures.ScriptedChain chain = new Fixtures.ScriptedChain();
    private final Map<String, List<Deployment>> groups = new LinkedHashMap<>();
    private DeploymentHealth health;
    private DeploymentLimits limits;

    private void group(String name, Deployment... deployments) {
        groups.put(name, List.of(deployments));
    }

    private FallbackStage stage(ReliabilitySettings settings) {
        List<Deployment> all = groups.values().stream().flatMap(List::stream).toList();
        health = new DeploymentHealth(settings, all, ticker);
        limits = new DeploymentLimits(all, ticker);
        ModelGroupRouter router = new ModelGroupRouter(groups, (g, tokens) -> g, Optional.empty());
        return new FallbackStage(settings, router, health, limits, TOKENS, ticker, ticker);
    }

    private Exchange planned(ChatRequest request) {
        ModelGroupRouter router = new ModelGroupRouter(groups, (g, tokens) -> g, Optional.empty());
        Exchange e = exchange(request, ticker, Duration.ofSeconds(60));
        return e.withPlan(router.route(e).orElseThrow());
    }

    private static ChatRequest withBody(String json) {
        return OpenAiCodec.parseChatRequest(Json.MAPPER.valueToTree(Json.parseBody(json.getBytes())));
    }

    @Test
    void walksTheGroupsDeploymentsInPlanOrderAndSaysHowManyFailed() {
        group("gpt", deployment("a", "gpt"), deployment("b", "gpt"), deployment("c", "gpt"));
        chain.fail("a", serverError()).fail("b", new GatewayException.ConnectionFailed("refused", null));
        Exchange exchange = planned(chat("gpt", "hi"));

        Reply reply = stage(new Settings().build()).apply(exchange, chain);

        assertThat(reply).isInstanceOf(Reply.Complete.class);
        assertThat(chain.calls).containsExactly("a", "b", "c");
        assertThat(exchange.context().responseHeaders()).containsEntry("x-switchboard-fallbacks", "2");
    }

    @Test
    void thenTriesTheConfiguredFallbackGroupsInOrder() {
        group("gpt", deployment("a", "gpt"));
        group("claude", deployment("c1", "claude"));
        group("gemma", deployment("g1", "gemma"));
        chain.fail("a", serverError()).fail("c1", serverError());
        Exchange exchange = planned(chat("gpt", "hi"));

        stage(new Settings().fallbacks(Map.of("gpt", List.of("claude", "gemma"))).build()).apply(exchange, chain);

        assertThat(chain.calls).containsExactly("a", "c1", "g1");
        assertThat(exchange.context().responseHeaders()).containsEntry("x-switchboard-fallbacks", "2")
                .containsEntry("x-switchboard-fallback-model", "gemma");
    }

    @Test
    void usesTheDefaultFallbacksForGroupsWithoutTheirOwn() {
        group("gpt", deployment("a", "gpt"));
        group("gemma", deployment("g1", "gemma"));
        chain.fail("a", new GatewayException.Overloaded("529", null));

        stage(new Settings().defaultFallbacks(List.of("gemma")).build()).apply(planned(chat("gpt", "hi")), chain);

        assertThat(chain.calls).containsExactly("a", "g1");
    }

    @Test
    void bodyFallbacksReplaceTheConfiguredOnesAndAreNotForwardedUpstream() {
        group("gpt", deployment("a", "gpt"));
        group("claude", deployment("c1", "claude"));
        group("gemma", deployment("g1", "gemma"));
        chain.fail("a", serverError());

        stage(new Settings().fallbacks(Map.of("gpt", List.of("claude"))).build()).apply(planned(withBody(
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"fallbacks\":[\"gemma\"],"
                        + "\"temperature\":0.2}")), chain);

        assertThat(chain.calls).containsExactly("a", "g1");
        ObjectNode forwarded = chain.exchanges.get(1).chat().openAiBody().orElseThrow();
        assertThat(forwarded.has("fallbacks")).isFalse();
        assertThat(forwarded.get("temperature").asDouble()).isEqualTo(0.2);
    }

    @Test
    void aBodyFallbackNamingNoModelIsABadRequest() {
        group("gpt", deployment("a", "gpt"));

        assertThatThrownBy(() -> stage(new Settings().build()).apply(planned(withBody(
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"fallbacks\":[\"nope\"]}")), chain))
                .isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> assertThat(e.param()).contains("fallbacks"));
        assertThat(chain.calls).isEmpty();
    }

    @Test
    void aBodyTimeoutShortensTheDeadlineAndIsNotForwarded() {
        group("gpt", deployment("a", "gpt"));
        Exchange exchange = planned(withBody(
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"timeout\":2.5}"));

        stage(new Settings().build()).apply(exchange, chain);

        Exchange sent = chain.exchanges.getFirst();
        assertThat(sent.deadlineNanos() - sent.startNanos()).isEqualTo(Duration.ofMillis(2500).toNanos());
        assertThat(sent.chat().openAiBody().orElseThrow().has("timeout")).isFalse();
    }

    @Test
    void theRouterTimeoutShortensTheDeadlineButNeverLengthensIt() {
        group("gpt", deployment("a", "gpt"));

        stage(new Settings().timeout(Duration.ofSeconds(10)).build()).apply(planned(chat("gpt", "hi")), chain);
        stage(new Settings().timeout(Duration.ofSeconds(600)).build()).apply(planned(chat("gpt", "hi")), chain);

        assertThat(chain.exchanges.get(0).deadlineNanos() - chain.exchanges.get(0).startNanos())
                .isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(chain.exchanges.get(1).deadlineNanos() - chain.exchanges.get(1).startNanos())
                .isEqualTo(Duration.ofSeconds(60).toNanos());
    }

    @Test
    void skipsDeploymentsWhoseWindowCannotHoldThePromptAndTheRequestedOutput() {
        group("gpt", deployment("small", "gpt", 1_000), deployment("large", "gpt", 100_000));
        ChatRequest request = chat("gpt", "word ".repeat(300)).toBuilder().maxTokens(800).build();

        stage(new Settings().build()).apply(planned(request), chain);

        assertThat(chain.calls).containsExactly("large");
    }

    @Test
    void aDeploymentsOwnMaxTokensCountsAsTheRequestedOutputWhenTheClientSetsNone() {
        Deployment small = withParams(deployment("small", "gpt", 1_000), "{\"max_tokens\":800}");
        group("gpt", small, deployment("large", "gpt", 100_000));

        stage(new Settings().build()).apply(planned(chat("gpt", "word ".repeat(300))), chain);
        stage(new Settings().build()).apply(planned(chat("gpt", "word ".repeat(300)).toBuilder().maxTokens(100).build()), chain);

        assertThat(chain.calls).as("the default would not fit; the client's own limit does").containsExactly("large", "small");
    }

    @Test
    void aDeploymentsOwnMaxTokensIsReservedAgainstItsTokensPerMinute() {
        Deployment tight = withParams(deployment("tight", "gpt", 128_000, OptionalInt.empty(), OptionalInt.of(1_000), 1,
                Prices.FREE), "{\"max_tokens\":900}");
        group("gpt", tight, deployment("roomy", "gpt"));
        FallbackStage stage = stage(new Settings().build());
        limits.reserve(tight, 200);

        stage.apply(planned(chat("gpt", "hi")), chain);

        assertThat(chain.calls).containsExactly("roomy");
    }

    private static Deployment withParams(Deployment d, String params) {
        return new Deployment(d.id(), d.modelName(), d.provider(), d.upstreamModel(), d.apiBase(), d.apiKey(), d.headers(),
                (com.fasterxml.jackson.databind.node.ObjectNode) dev.switchboard.core.wire.Json.parseBody(params.getBytes()),
                d.rpm(), d.tpm(), d.weight(), d.timeouts(), d.info());
    }

    @Test
    void aPromptTooLargeForTheGroupGoesToTheContextWindowFallbacks() {
        group("gpt", deployment("small", "gpt", 1_000));
        group("long", deployment("big", "long", 200_000));
        Exchange exchange = planned(chat("gpt", "word ".repeat(2_000)));

        stage(new Settings().contextWindowFallbacks(Map.of("gpt", List.of("long"))).build()).apply(exchange, chain);

        assertThat(chain.calls).containsExactly("big");
        assertThat(exchange.context().responseHeaders()).containsEntry("x-switchboard-fallbacks", "0");
    }

    @Test
    void aPromptThatFitsNoWindowIsAContextLengthErrorWithoutAnyCall() {
        group("gpt", deployment("small", "gpt", 1_000));

        assertThatThrownBy(() -> stage(new Settings().build()).apply(planned(chat("gpt", "word ".repeat(2_000))), chain))
                .isInstanceOfSatisfying(GatewayException.ContextWindowExceeded.class,
                        e -> assertThat(e.getMessage()).contains("1000 tokens"));
        assertThat(chain.calls).isEmpty();
    }

    @Test
    void anUpstreamContextLengthErrorMovesToALargerWindowAndNeverAsksTheSameModelAgain() {
        group("gpt", deployment("a", "gpt", 8_000), deployment("a2", "gpt", 8_000));
        group("long", deployment("big", "long", 200_000));
        group("other", deployment("o", "other", 8_000));
        chain.fail("a", new GatewayException.ContextWindowExceeded("maximum context length is 8000 tokens"));

        stage(new Settings().contextWindowFallbacks(Map.of("gpt", List.of("long")))
                .fallbacks(Map.of("gpt", List.of("other"))).build()).apply(planned(chat("gpt", "hi")), chain);

        assertThat(chain.calls).containsExactly("a", "big");
    }

    @Test
    void aContentFilterRejectionReachesTheClientWhenNoContentPolicyFallbackIsConfigured() {
        group("gpt", deployment("a", "gpt"), deployment("b", "gpt"));
        group("claude", deployment("c1", "claude"));
        GatewayException filtered = new GatewayException.ContentFiltered("The response was filtered: violence");
        chain.fail("a", filtered);

        assertThatThrownBy(() -> stage(new Settings().fallbacks(Map.of("gpt", List.of("claude"))).build())
                .apply(planned(chat("gpt", "hi")), chain)).isSameAs(filtered);
        assertThat(chain.calls).containsExactly("a");
    }

    @Test
    void aContentFilterRejectionGoesOnlyToTheContentPolicyFallbacks() {
        group("gpt", deployment("a", "gpt"), deployment("b", "gpt"));
        group("claude", deployment("c1", "claude"));
        group("lenient", deployment("l1", "lenient"));
        chain.fail("a", new GatewayException.ContentFiltered("filtered"));

        stage(new Settings().fallbacks(Map.of("gpt", List.of("claude")))
                .contentPolicyFallbacks(Map.of("gpt", List.of("lenient"))).build()).apply(planned(chat("gpt", "hi")), chain);

        assertThat(chain.calls).containsExactly("a", "l1");
    }

    @Test
    void theContentFilterReasonWinsWhenTheContentPolicyFallbacksFailToo() {
        group("gpt", deployment("a", "gpt"));
        group("lenient", deployment("l1", "lenient"));
        GatewayException filtered = new GatewayException.ContentFiltered("filtered: self-harm");
        chain.fail("a", filtered).fail("l1", serverError());

        assertThatThrownBy(() -> stage(new Settings().contentPolicyFallbacks(Map.of("gpt", List.of("lenient"))).build())
                .apply(planned(chat("gpt", "hi")), chain)).isSameAs(filtered);
    }

    @Test
    void aBadRequestIsTheAnswerAtOnce() {
        group("gpt", deployment("a", "gpt"), deployment("b", "gpt"));
        GatewayException bad = new GatewayException.BadRequest("invalid 'tools'", "tools");
        chain.fail("a", bad);

        assertThatThrownBy(() -> stage(new Settings().build()).apply(planned(chat("gpt", "hi")), chain)).isSameAs(bad);
        assertThat(chain.calls).containsExactly("a");
    }

    @Test
    void skipsDeploymentsWhoseCircuitIsOpen() {
        group("gpt", deployment("a", "gpt"), deployment("b", "gpt"));
        FallbackStage stage = stage(new Settings().circuit(1, Duration.ofSeconds(60), Duration.ofSeconds(30)).build());
        DeploymentHealth.Call call = health.admit("a");
        call.failed(serverError());
        call.release();

        stage.apply(planned(chat("gpt", "hi")), chain);

        assertThat(chain.calls).containsExactly("b");
    }

    @Test
    void whenEveryDeploymentIsCoolingDownTheAnswerIsA503WithRetryAfter() {
        group("gpt", deployment("a", "gpt"));
        FallbackStage stage = stage(new Settings().circuit(1, Duration.ofSeconds(60), Duration.ofSeconds(30)).build());
        DeploymentHealth.Call call = health.admit("a");
        call.failed(serverError());
        call.release();
        ticker.advance(Duration.ofSeconds(10));

        assertThatThrownBy(() -> stage.apply(planned(chat("gpt", "hi")), chain))
                .isInstanceOfSatisfying(GatewayException.Overloaded.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(20)));
        assertThat(chain.calls).isEmpty();
    }

    @Test
    void tellsTheRetryStageWhetherAnotherCandidateFollows() {
        group("gpt", deployment("a", "gpt"), deployment("b", "gpt"));
        List<Boolean> seen = new java.util.ArrayList<>();
        Fixtures.ScriptedChain recording = new Fixtures.ScriptedChain().fail("a", serverError());
        stage(new Settings().build()).apply(planned(chat("gpt", "hi")), ex -> {
            seen.add(ex.context().get(FallbackStage.HAS_ALTERNATIVE).orElseThrow());
            return recording.proceed(ex);
        });

        assertThat(seen).containsExactly(true, false);
    }

    @Test
    void aCandidateThatIsCoolingDownIsNoAlternative() {
        group("gpt", deployment("a", "gpt"), deployment("b", "gpt"));
        FallbackStage stage = stage(new Settings().circuit(1, Duration.ofSeconds(60), Duration.ofSeconds(30)).build());
        List<Boolean> seen = new java.util.ArrayList<>();
        stage.apply(planned(chat("gpt", "hi")), ex -> {
            seen.add(ex.context().get(FallbackStage.HAS_ALTERNATIVE).orElseThrow());
            DeploymentHealth.Call call = health.admit("b");
            call.failed(serverError());
            call.release();
            return Fixtures.complete("a");
        });
        stage.apply(planned(chat("gpt", "hi")), ex -> {
            seen.add(ex.context().get(FallbackStage.HAS_ALTERNATIVE).orElseThrow());
            return Fixtures.complete("a");
        });

        assertThat(seen).containsExactly(true, false);
    }

    @Test
    void waitsForRpmHeadroomWithinTheBoundThenCalls() {
        Deployment limited = deployment("a", "gpt", 128_000, OptionalInt.of(60), OptionalInt.empty(), 1, Prices.FREE);
        group("gpt", limited);
        FallbackStage stage = stage(new Settings().capacityWait(Duration.ofSeconds(2)).build());
        for (int i = 0; i < 60; i++) assertThat(limits.reserve(limited, 0).granted()).isTrue();

        stage.apply(planned(chat("gpt", "hi")), chain);

        assertThat(chain.calls).containsExactly("a");
        assertThat(ticker.slept()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void answers429WithRetryAfterWhenNoDeploymentHasHeadroomWithinTheBound() {
        Deployment limited = deployment("a", "gpt", 128_000, OptionalInt.of(10), OptionalInt.empty(), 1, Prices.FREE);
        group("gpt", limited);
        FallbackStage stage = stage(new Settings().capacityWait(Duration.ofSeconds(2)).build());
        for (int i = 0; i < 10; i++) limits.reserve(limited, 0);

        assertThatThrownBy(() -> stage.apply(planned(chat("gpt", "hi")), chain))
                .isInstanceOfSatisfying(GatewayException.RateLimited.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(6)));
        assertThat(chain.calls).isEmpty();
        assertThat(ticker.sleeps).isEmpty();
    }

    @Test
    void aDeploymentOutOfTokensPerMinuteIsPassedOverForOneWithHeadroom() {
        Deployment tight = deployment("tight", "gpt", 128_000, OptionalInt.empty(), OptionalInt.of(100), 1, Prices.FREE);
        group("gpt", tight, deployment("roomy", "gpt"));
        FallbackStage stage = stage(new Settings().build());
        limits.reserve(tight, 95);

        stage.apply(planned(chat("gpt", "word ".repeat(50))), chain);

        assertThat(chain.calls).containsExactly("roomy");
    }

    @Test
    void theDeadlineStopsTheWalk() {
        group("gpt", deployment("a", "gpt"), deployment("b", "gpt"));
        GatewayException slow = new GatewayException.UpstreamTimeout("no first byte");
        chain.onCall(() -> ticker.advance(Duration.ofSeconds(61))).fail("a", slow);

        assertThatThrownBy(() -> stage(new Settings().build()).apply(planned(chat("gpt", "hi")), chain)).isSameAs(slow);
        assertThat(chain.calls).containsExactly("a");
    }

    @Test
    void aStreamSettlesItsTokenReservationWithTheUsageItReportsAtTheEnd() {
        Deployment tight = deployment("tight", "gpt", 128_000, OptionalInt.empty(), OptionalInt.of(1_000), 1, Prices.FREE);
        group("gpt", tight);
        FallbackStage stage = stage(new Settings().build());
        chain.answer("tight", () -> new Reply.Streaming(ChatStream.of(List.of(
                ChatChunk.usage("c", 1, "m", Usage.of(20, 10))))));
        ChatRequest request = chat("gpt", "hi").toBuilder().maxTokens(900).build();

        var stream = ((Reply.Streaming) stage.apply(planned(request), chain)).stream();
        assertThat(limits.hasHeadroom(tight, 500)).isFalse();
        while (stream.next().isPresent()) { }

        assertThat(limits.tokensLastMinute(tight)).isEqualTo(30);
        assertThat(limits.hasHeadroom(tight, 900)).isTrue();
    }
}
