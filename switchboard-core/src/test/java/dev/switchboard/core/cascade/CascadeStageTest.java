package dev.switchboard.core.cascade;

import static dev.switchboard.core.cascade.AnswerCheckTest.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Decimals;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.CascadeSettings;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.pipeline.Attempt;
import dev.switchboard.core.pipeline.Attributes;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.routing.ModelRegistry;
import dev.switchboard.core.routing.PriceCatalogue;
import dev.switchboard.core.stages.SpendCalculator;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The cascade stage over a fake downstream chain that answers per model group, as the real stages below would. */
class CascadeStageTest {
    private static final String GOOD = "Recursion is when a function calls itself on a smaller input until it reaches a base case.";
    private static final List<Deployment> DEPLOYMENTS = List.of(
            deployment("cheap", new Prices(0.1, 0.4, 0, 0)),
            deployment("mid", new Prices(1, 4, 0, 0)),
            deployment("top", new Prices(10, 40, 0, 0)));
    private static final SpendCalculator SPEND = new SpendCalculator(DEPLOYMENTS, new ModelRegistry(DEPLOYMENTS, PriceCatalogue.builtIn()));

    private final FakeTiers tiers = new FakeTiers();

    @Test
    void aGoodCheapAnswerIsServedWithoutEscalating() {
        tiers.answer("cheap", r -> answer(GOOD));
        Exchange exchange = exchange(false);

        Reply reply = stage(Optional.empty()).apply(exchange, tiers);

        assertThat(((Reply.Complete) reply).response().text()).isEqualTo(GOOD);
        assertThat(tiers.calledModels).containsExactly("cheap");
        assertThat(exchange.context().responseHeaders()).containsEntry("x-switchboard-cascade", "cheap:accepted")
                .containsEntry("x-switchboard-deployment", "cheap-d")
                .containsEntry("x-switchboard-cost", money(SPEND.cost("cheap-d", answer(GOOD).usage().orElseThrow())));
        assertThat(exchange.context().get(CascadeStage.CALLS).orElseThrow()).extracting(CascadeCall::status).containsExactly("ok");
    }

    @Test
    void aPoorCheapAnswerEscalatesAndBothCallsAreKeptAndPriced() {
        tiers.answer("cheap", r -> answer("I'm sorry, but I can't help with that."));
        tiers.answer("mid", r -> answer(GOOD));
        Exchange exchange = exchange(false);

        Reply reply = stage(Optional.empty()).apply(exchange, tiers);

        assertThat(((Reply.Complete) reply).response().text()).isEqualTo(GOOD);
        assertThat(tiers.calledModels).containsExactly("cheap", "mid");
        assertThat(tiers.streamFlags).containsOnly(false);
        List<CascadeCall> calls = exchange.context().get(CascadeStage.CALLS).orElseThrow();
        assertThat(calls).extracting(CascadeCall::model).containsExactly("cheap", "mid");
        assertThat(calls).extracting(CascadeCall::status).containsExactly(CascadeCall.REJECTED, "ok");
        assertThat(calls).extracting(c -> c.child().requestId()).containsExactly("req-1.t1", "req-1.t2");
        assertThat(exchange.context().attempts()).extracting(Attempt::deploymentId).containsExactly("cheap-d", "mid-d");
        double both = SPEND.cost("cheap-d", answer("x").usage().orElseThrow()) + SPEND.cost("mid-d", answer("x").usage().orElseThrow());
        assertThat(exchange.context().responseHeaders())
                .containsEntry("x-switchboard-cascade", "cheap:rejected(refusal) > mid:accepted")
                .containsEntry("x-switchboard-deployment", "mid-d")
                .containsEntry("x-switchboard-cost", money(both));
        ObjectNode ext = exchange.context().get(Attributes.RESPONSE_EXTENSION).orElseThrow();
        assertThat(ext.path("router").asText()).isEqualTo("cascade");
        assertThat(ext.path("answered_by").asText()).isEqualTo("mid");
        assertThat(ext.path("tier").asInt()).isEqualTo(2);
        assertThat(ext.path("tiers").get(0).path("reason").asText()).isEqualTo("refusal");
        assertThat(ext.path("tiers").get(0).path("outcome").asText()).isEqualTo("rejected");
        assertThat(ext.path("cost_usd").asDouble()).isEqualTo(both);
    }

    @Test
    void aTierThatFailsEscalatesAndTheLastTiersErrorReachesTheClient() {
        GatewayException down = new GatewayException.UpstreamError("upstream answered 503", 503, null);
        tiers.fail("cheap", down);
        tiers.answer("mid", r -> answer(""));
        tiers.fail("top", down);
        Exchange exchange = exchange(false);

        assertThatThrownBy(() -> stage(Optional.empty()).apply(exchange, tiers)).isSameAs(down);

        assertThat(tiers.calledModels).containsExactly("cheap", "mid", "top");
        assertThat(exchange.context().get(CascadeStage.CALLS).orElseThrow()).extracting(CascadeCall::status)
                .containsExactly(status(down), CascadeCall.REJECTED, status(down));
        assertThat(exchange.context().responseHeaders().get("x-switchboard-cascade"))
                .isEqualTo("cheap:failed(" + status(down) + ") > mid:rejected(empty) > top:failed(" + status(down) + ")");
    }

    @Test
    void theLastTierIsServedEvenWhenItsAnswerFailsTheCheck() {
        tiers.answer("cheap", r -> answer("I don't know."));
        tiers.answer("mid", r -> answer("I don't know."));
        tiers.answer("top", r -> answer("I'm not sure."));
        Exchange exchange = exchange(false);

        Reply reply = stage(Optional.empty()).apply(exchange, tiers);

        assertThat(((Reply.Complete) reply).response().text()).isEqualTo("I'm not sure.");
        assertThat(exchange.context().responseHeaders().get("x-switchboard-cascade"))
                .isEqualTo("cheap:rejected(dont-know) > mid:rejected(dont-know) > top:served(dont-know)");
        assertThat(exchange.context().get(CascadeStage.CALLS).orElseThrow()).extracting(CascadeCall::status)
                .containsExactly(CascadeCall.REJECTED, CascadeCall.REJECTED, "ok");
    }

    /**
     * Savings are measured against asking the top tier alone: one call, for the served answer. The rejected tiers
     * cost money but are no part of that baseline; they were priced at the top tier too, so a cascade that escalated
     * all the way to the top showed savings where it had cost more.
     */
    @Test
    void theSavingsBaselineIsTheServedAnswerOnTheTopTierAlone() {
        tiers.answer("cheap", r -> answer("I don't know."));
        tiers.answer("mid", r -> answer("I don't know."));
        tiers.answer("top", r -> answer(GOOD));
        Exchange exchange = exchange(false);

        stage(Optional.empty()).apply(exchange, tiers);

        double topAlone = SPEND.topTierCost(answer(GOOD).usage().orElseThrow());
        assertThat(exchange.context().get(CascadeStage.CALLS).orElseThrow()).extracting(CascadeCall::topTierCostUsd)
                .containsExactly(0.0, 0.0, topAlone);
        ObjectNode ext = exchange.context().get(Attributes.RESPONSE_EXTENSION).orElseThrow();
        assertThat(ext.path("top_tier_cost_usd").asDouble()).isEqualTo(Decimals.roundedUsd(topAlone));
        assertThat(ext.path("cost_usd").asDouble()).isGreaterThan(topAlone);
    }

    @Test
    void aStreamedRequestGetsOnlyTheAcceptedAnswerReplayedAsAStream() {
        tiers.answer("cheap", r -> answer("I'm sorry, but I can't help with that."));
        tiers.answer("mid", r -> answer(GOOD));
        Exchange exchange = exchange(true);

        Reply reply = stage(Optional.empty()).apply(exchange, tiers);

        assertThat(reply).isInstanceOf(Reply.Streaming.class);
        assertThat(tiers.streamFlags).containsOnly(false);
        StringBuilder text = new StringBuilder();
        List<Optional<ObjectNode>> extensions = new ArrayList<>();
        try (ChatStream stream = ((Reply.Streaming) reply).stream()) {
            for (Optional<ChatChunk> c = stream.next(); c.isPresent(); c = stream.next()) {
                extensions.add(stream.extension());
                c.get().choices().forEach(ch -> ch.content().ifPresent(text::append));
            }
        }
        assertThat(text.toString()).isEqualTo(GOOD).doesNotContain("sorry");
        assertThat(extensions.getFirst()).hasValueSatisfying(e -> assertThat(e.path("answered_by").asText()).isEqualTo("mid"));
        assertThat(exchange.context().responseHeaders()).containsKey("x-switchboard-cost");
    }

    @Test
    void theJudgeCanRejectAnAnswerThatPassedTheFastChecks() {
        tiers.answer("cheap", r -> answer(GOOD));
        tiers.answer("mid", r -> answer(GOOD + " It needs a base case."));
        tiers.answer("top", r -> answer(r.messages().getLast().text().contains("It needs a base case") ? "PASS" : "FAIL"));
        Exchange exchange = exchange(false);

        Reply reply = stage(Optional.of("top")).apply(exchange, tiers);

        assertThat(((Reply.Complete) reply).response().text()).endsWith("It needs a base case.");
        assertThat(tiers.calledModels).containsExactly("cheap", "top", "mid", "top");
        assertThat(tiers.requests.get(1).messages().getFirst().role()).isEqualTo(Role.SYSTEM);
        assertThat(tiers.requests.get(1).maxTokens()).hasValue(8);
        List<CascadeCall> calls = exchange.context().get(CascadeStage.CALLS).orElseThrow();
        assertThat(calls).extracting(CascadeCall::kind).containsExactly("tier", "judge", "tier", "judge");
        assertThat(calls).extracting(CascadeCall::status).containsExactly(CascadeCall.REJECTED, "ok", "ok", "ok");
        assertThat(exchange.context().responseHeaders().get("x-switchboard-cascade")).isEqualTo("cheap:rejected(judge) > mid:accepted");
    }

    @Test
    void readsTheJudgesVerdictFromAPlainPassOrFail() {
        assertThat(CascadeJudge.verdict("PASS")).contains(true);
        assertThat(CascadeJudge.verdict("Fail: it refuses.")).contains(false);
        assertThat(CascadeJudge.verdict("The answer looks reasonable")).isEmpty();
        assertThat(CascadeJudge.verdict("passed")).isEmpty();
    }

    @Test
    void otherModelsPassStraightThrough() {
        tiers.answer("mid", r -> answer(GOOD));
        Exchange exchange = Exchange.of("req-2", ChatRequest.builder("mid").message(Message.user("Explain recursion.")).build(),
                Credentials.IN_PROCESS, 0, Long.MAX_VALUE);

        stage(Optional.empty()).apply(exchange, tiers);

        assertThat(tiers.calledModels).containsExactly("mid");
        assertThat(exchange.context().get(CascadeStage.CALLS)).isEmpty();
        assertThat(exchange.context().responseHeaders()).doesNotContainKey("x-switchboard-cascade");
    }

    private static CascadeStage stage(Optional<String> judge) {
        CascadeSettings settings = new CascadeSettings("cascade", List.of("cheap", "mid", "top"), CascadeSettings.Checks.ALL, judge, 8);
        return new CascadeStage(Map.of("cascade", settings), SPEND, Ticker.SYSTEM, exchange -> Optional.empty());
    }

    private static Exchange exchange(boolean stream) {
        ChatRequest request = ChatRequest.builder("cascade").message(Message.user("Explain recursion.")).stream(stream).build();
        return Exchange.of("req-1", request, Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
    }

    private static Deployment deployment(String group, Prices prices) {
        ModelInfo info = new ModelInfo(OptionalInt.empty(), Optional.empty(), Set.of(), 128_000, 4096, prices, "chat", Optional.empty());
        return new Deployment(group + "-d", group, "openai", group, Optional.of(URI.create("http://upstream.test")), Optional.empty(),
                Map.of(), JsonNodeFactory.instance.objectNode(), OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT, info);
    }

    private static String status(GatewayException e) {
        return e.code().orElse(e.type());
    }

    private static String money(double usd) {
        return String.format(Locale.ROOT, "%.8f", usd);
    }

    /** Answers per model group the way route → fallback → provider call would: a header and an attempt per call. */
    private static final class FakeTiers implements Chain {
        final List<String> calledModels = new ArrayList<>();
        final List<Boolean> streamFlags = new ArrayList<>();
        final List<ChatRequest> requests = new ArrayList<>();
        private final Map<String, Function<ChatRequest, ChatResponse>> answers = new HashMap<>();
        private final Map<String, GatewayException> failures = new HashMap<>();

        void answer(String model, Function<ChatRequest, ChatResponse> f) {
            answers.put(model, f);
        }

        void fail(String model, GatewayException e) {
            failures.put(model, e);
        }

        @Override
        public Reply proceed(Exchange exchange) {
            ChatRequest r = exchange.chat();
            calledModels.add(r.model());
            streamFlags.add(r.stream());
            requests.add(r);
            String deployment = r.model() + "-d";
            GatewayException failure = failures.get(r.model());
            exchange.context().recordAttempt(new Attempt(deployment, "openai", 1_000_000,
                    Optional.ofNullable(failure).map(GatewayException::type)));
            if (failure != null) throw failure;
            exchange.context().header("x-switchboard-deployment", deployment);
            return new Reply.Complete(answers.get(r.model()).apply(r));
        }
    }
}
