package dev.switchboard.core.cascade;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Decimals;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.StreamOfResponse;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.CascadeSettings;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.AttributeKey;
import dev.switchboard.core.pipeline.Attempt;
import dev.switchboard.core.pipeline.Attributes;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.stages.Router;
import dev.switchboard.core.stages.SpendCalculator;
import dev.switchboard.core.wire.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * For a cascade alias ({@code switchboard.cascades}): asks the cheapest tier first, checks its answer
 * ({@link AnswerCheck}, then the judge when one is configured) and escalates to the next tier when the
 * check fails or the tier errors. The last tier's answer is served whatever its check says — there is
 * nothing left to escalate to. Every call is kept for the ledger ({@link #CALLS}) and counted in the cost
 * header; {@code x-switchboard-cascade} and the {@code switchboard} extension say which tier answered and
 * why earlier ones were rejected.
 *
 * <p>Tiers are always called whole (not streamed): an answer must be checked before any of it reaches the
 * client. A streamed request gets the accepted answer replayed as a stream, so a rejected answer never
 * reaches the client; the price is that the first token arrives when the accepted answer is complete.
 */
public final class CascadeStage implements Stage {
    /** The calls the cascade made, for the ledger; set before the reply (or error) leaves the stage. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final AttributeKey<List<CascadeCall>> CALLS = (AttributeKey) AttributeKey.of("cascade-calls", List.class);

    private final Map<String, CascadeSettings> cascades;
    private final Map<String, AnswerCheck> checks;
    private final SpendCalculator spend;
    private final Ticker ticker;
    private final Router groups;

    /**
     * @param groups plans a call for a model group: tiers and judges are model groups, asked directly, so a router chain
     *     that serves the same name (and may send the request to another group) does not turn the cheap tier into another
     */
    public CascadeStage(Map<String, CascadeSettings> cascades, SpendCalculator spend, Ticker ticker, Router groups) {
        this.cascades = Map.copyOf(cascades);
        Map<String, AnswerCheck> byName = new LinkedHashMap<>();
        cascades.forEach((name, c) -> byName.put(name, new AnswerCheck(c.checks())));
        this.checks = Map.copyOf(byName);
        this.spend = spend;
        this.ticker = ticker;
        this.groups = groups;
    }

    /** A call of the cascade's own, planned for its model group. */
    private Exchange groupCall(Exchange exchange, String childId, ChatRequest request) {
        Exchange child = exchange.child(childId, request);
        return groups.route(child).map(child::withPlan).orElse(child);
    }

    public boolean handles(String model) {
        return cascades.containsKey(model);
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        if (!exchange.isChat() || exchange.plan().isPresent() || !handles(exchange.request().model())) return next.proceed(exchange);
        CascadeSettings cascade = cascades.get(exchange.request().model());
        ChatRequest request = exchange.chat();
        List<CascadeCall> calls = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        ArrayNode tiers = JsonNodeFactory.instance.arrayNode();
        try {
            for (int i = 0; i < cascade.models().size(); i++) {
                String model = cascade.models().get(i);
                boolean last = i == cascade.models().size() - 1;
                Exchange child = groupCall(exchange, exchange.requestId() + ".t" + (i + 1), request.toBuilder().model(model).stream(false).build());
                long start = ticker.nanoTime();
                ChatResponse response;
                try {
                    response = complete(next.proceed(child));
                } catch (GatewayException e) {
                    // Once the gateway cut the request (shutdown), a tier fails because its call was interrupted: that is
                    // the reason recorded, and there is no next tier to ask.
                    Optional<GatewayException> cut = exchange.context().cutReason();
                    GatewayException failure = cut.orElse(e);
                    CascadeCall failed = call(exchange, CascadeCall.TIER, model, child, Optional.empty(), start,
                            Optional.of(failure), status(failure));
                    calls.add(failed);
                    steps.add(model + ":failed(" + status(failure) + ")");
                    tiers.add(report(i, failed, "failed",
                            Optional.of(AnswerCheck.Verdict.reject(AnswerCheck.Reason.ERROR, failure.getMessage()))));
                    if (last || cut.isPresent()) throw failure;
                    continue;
                }
                AnswerCheck.Verdict verdict = checks.get(cascade.name()).check(request, response);
                Optional<CascadeCall> judged = Optional.empty();
                if (verdict.accepted() && !last && cascade.judge().isPresent()) {
                    JudgeResult j = judge(exchange, next, cascade, request, response, i);
                    judged = Optional.of(j.call());
                    verdict = j.verdict();
                }
                boolean serve = verdict.accepted() || last;
                CascadeCall tier = call(exchange, CascadeCall.TIER, model, child, response.usage(), start, Optional.empty(),
                        serve ? LedgerRecord.OK : CascadeCall.REJECTED);
                calls.add(tier);
                judged.ifPresent(calls::add);
                String outcome = verdict.accepted() ? "accepted" : serve ? "served" : "rejected";
                steps.add(model + ":" + outcome + verdict.rejection().map(r -> "(" + r.key() + ")").orElse(""));
                ObjectNode entry = report(i, tier, outcome, Optional.of(verdict));
                judged.ifPresent(j -> entry.set("judge", Json.object().put("model", j.model()).put("cost_usd", j.costUsd())
                        .put("status", j.status())));
                tiers.add(entry);
                if (serve) return answer(exchange, cascade, i, child, response, calls, steps, tiers);
            }
            throw new IllegalStateException("a cascade has at least two tiers");
        } finally {
            exchange.context().set(CALLS, List.copyOf(calls));
            exchange.context().header("x-switchboard-cascade", String.join(" > ", steps));
            exchange.context().header("x-switchboard-cost", money(calls.stream().mapToDouble(CascadeCall::costUsd).sum()));
        }
    }

    private Reply answer(Exchange exchange, CascadeSettings cascade, int tier, Exchange child, ChatResponse response,
            List<CascadeCall> calls, List<String> steps, ArrayNode tiers) {
        child.context().responseHeaders().forEach((name, value) -> {
            if (!name.equals("x-switchboard-cost")) exchange.context().header(name, value);
        });
        double cost = calls.stream().mapToDouble(CascadeCall::costUsd).sum();
        double topTier = calls.stream().mapToDouble(CascadeCall::topTierCostUsd).sum();
        ObjectNode ext = Json.object().put("router", "cascade").put("cascade", cascade.name())
                .put("answered_by", cascade.models().get(tier)).put("tier", tier + 1)
                .put("explanation", String.join(" > ", steps)).put("cost_usd", Decimals.roundedUsd(cost))
                .put("top_tier_cost_usd", Decimals.roundedUsd(topTier)).put("catalogue_version", spend.catalogueVersion());
        ext.set("tiers", tiers);
        exchange.context().set(Attributes.RESPONSE_EXTENSION, ext);
        if (!exchange.chat().stream()) return new Reply.Complete(response);
        return new Reply.Streaming(new Replay(StreamOfResponse.chunks(response), ext));
    }

    private record JudgeResult(AnswerCheck.Verdict verdict, CascadeCall call) {}

    /** Asks the judge model; a failed or unclear judge lets the answer stand (the fast checks already passed). */
    private JudgeResult judge(Exchange exchange, Chain next, CascadeSettings cascade, ChatRequest request, ChatResponse response,
            int tier) {
        String model = cascade.judge().orElseThrow();
        Exchange child = groupCall(exchange, exchange.requestId() + ".t" + (tier + 1) + LedgerRecord.GRADING_SUFFIX,
                CascadeJudge.request(model, request, response.text(), cascade.judgeMaxTokens()));
        long start = ticker.nanoTime();
        try {
            ChatResponse graded = complete(next.proceed(child));
            CascadeCall call = call(exchange, CascadeCall.JUDGE, model, child, graded.usage(), start, Optional.empty(), LedgerRecord.OK);
            Optional<Boolean> pass = CascadeJudge.verdict(graded.text());
            AnswerCheck.Verdict verdict = pass.isEmpty() ? AnswerCheck.Verdict.accept("the judge gave no clear verdict")
                    : pass.get() ? AnswerCheck.Verdict.accept("the judge passed the answer")
                    : AnswerCheck.Verdict.reject(AnswerCheck.Reason.JUDGE, "the judge failed the answer");
            return new JudgeResult(verdict, call);
        } catch (GatewayException e) {
            return new JudgeResult(AnswerCheck.Verdict.accept("the judge failed (" + status(e) + "); the answer stands"),
                    call(exchange, CascadeCall.JUDGE, model, child, Optional.empty(), start, Optional.of(e), status(e)));
        }
    }

    /** Tiers are asked for whole answers (stream false), so the stages below answer whole. */
    private static ChatResponse complete(Reply reply) {
        return switch (reply) {
            case Reply.Complete c -> c.response();
            case Reply.Streaming s -> {
                s.stream().close();
                throw new IllegalStateException("a stage streamed an answer that was asked for whole");
            }
            case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat request");
        };
    }

    private CascadeCall call(Exchange parent, String kind, String model, Exchange child, Optional<Usage> usage, long start,
            Optional<GatewayException> error, String status) {
        // The request's own attempt log (access log, metrics) shows every upstream call the cascade made.
        child.context().attempts().forEach(parent.context()::recordAttempt);
        Optional<String> deployment = Optional.ofNullable(child.context().responseHeaders().get("x-switchboard-deployment"))
                .or(() -> child.context().attempts().stream().reduce((a, b) -> b).map(Attempt::deploymentId));
        double cost = deployment.map(d -> spend.cost(d, usage.orElse(Usage.ZERO))).orElse(0.0);
        boolean served = kind.equals(CascadeCall.TIER) && status.equals(LedgerRecord.OK);
        double topTier = served ? spend.topTierCost(usage.orElse(Usage.ZERO)) : 0;
        return new CascadeCall(kind, model, child, usage, ticker.nanoTime() - start, error, status, deployment, cost, topTier);
    }

    private static ObjectNode report(int tier, CascadeCall call, String outcome, Optional<AnswerCheck.Verdict> verdict) {
        ObjectNode o = Json.object().put("tier", tier + 1).put("model", call.model()).put("outcome", outcome);
        verdict.flatMap(AnswerCheck.Verdict::rejection).ifPresent(r -> o.put("reason", r.key()));
        verdict.ifPresent(v -> o.put("detail", v.detail()));
        call.deploymentId().ifPresent(d -> o.put("deployment", d));
        o.put("latency_ms", Math.round(call.latencyNanos() / 1e6)).put("cost_usd", call.costUsd());
        call.usage().ifPresent(u -> o.put("prompt_tokens", u.promptTokens()).put("completion_tokens", u.completionTokens()));
        return o;
    }

    private static String status(GatewayException e) {
        return e.code().orElse(e.type());
    }

    private static String money(double usd) {
        return Decimals.usd(usd);
    }

    /** The accepted answer as a stream; the first chunk carries the cascade report. */
    private static final class Replay implements ChatStream {
        private final ChatStream chunks;
        private final ObjectNode report;
        private boolean first = true;
        private Optional<ObjectNode> current = Optional.empty();

        Replay(List<ChatChunk> chunks, ObjectNode report) {
            this.chunks = ChatStream.of(chunks);
            this.report = report;
        }

        @Override
        public Optional<ChatChunk> next() {
            current = first ? Optional.of(report) : Optional.empty();
            first = false;
            return chunks.next();
        }

        @Override
        public Optional<ObjectNode> extension() {
            return current;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public void close() {
            chunks.close();
        }
    }
}
