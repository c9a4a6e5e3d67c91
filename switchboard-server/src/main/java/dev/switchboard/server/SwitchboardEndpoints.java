package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Decimals;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.ledger.Feedback;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.ledger.LedgerStats;
import dev.switchboard.core.ledger.LedgerStoreUnavailableException;
import dev.switchboard.core.ledger.StatsQuery;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Switchboard's own API: the routing dry run, feedback, spend statistics and what the UI needs to know. */
final class SwitchboardEndpoints {
    /** The error code of a ledger read or feedback its store cannot serve right now (the database is down). */
    static final String LEDGER_UNAVAILABLE = "ledger_unavailable";
    private static final Duration LEDGER_RETRY_AFTER = Duration.ofSeconds(5);
    private final Switchboard engine;
    private final Gate gate;
    private final long maxBody;

    SwitchboardEndpoints(Switchboard engine, Gate gate) {
        this.engine = engine;
        this.gate = gate;
        this.maxBody = engine.config().server().maxBodyBytes();
    }

    void register(Routes routes) {
        routes.post("/v1/route", gate.guard(this::route));
        routes.post("/v1/feedback", gate.guard(this::feedback));
        routes.get("/v1/switchboard/stats", gate.guard(this::stats));
        routes.get("/v1/switchboard/info", gate.open(this::info, HttpIo::sendOpenAiError));
    }

    /** {@code {"prompt": "..."}} or a chat body ({@code messages}); the model defaults to the routed one. */
    private void route(ServerRequest req, ServerResponse res, String requestId) {
        JsonNode body = HttpIo.jsonBody(req, maxBody);
        String autoModel = engine.config().routing().modelNames().getFirst();
        ChatRequest chat;
        JsonNode prompt = body.get("prompt");
        if (OpenAiCodec.present(body.get("messages"))) {
            // Answering from one and ignoring the other would explain a request the client did not mean.
            if (OpenAiCodec.present(prompt)) {
                throw new GatewayException.BadRequest("Send either 'prompt' or 'messages', not both.", "messages");
            }
            ObjectNode withModel = ((ObjectNode) body.deepCopy());
            if (!OpenAiCodec.present(withModel.get("model"))) withModel.put("model", autoModel);
            chat = OpenAiCodec.parseChatRequest(withModel);
        } else {
            if (!OpenAiCodec.present(prompt)) {
                throw new GatewayException.BadRequest("Send {\"prompt\": \"...\"} or a chat body with 'messages'.", "prompt");
            }
            if (!prompt.isTextual()) {
                throw new GatewayException.BadRequest("'prompt' must be a string (the text to route), but got "
                        + OpenAiCodec.kind(prompt) + ".", "prompt");
            }
            if (prompt.asText().isBlank()) throw new GatewayException.BadRequest("'prompt' is empty: there is nothing to route.", "prompt");
            chat = ChatRequest.builder(OpenAiCodec.optString(body, "model").orElse(autoModel)).message(Message.user(prompt.asText())).build();
        }
        var exchange = HttpIo.exchange(engine, chat, req, requestId);
        HttpIo.sendJson(res, 200, engine.explain(exchange));
    }

    /** {@code {"request_id": "...", "score": 0.8}} or {@code {"request_id": "...", "thumbs": "up"}}. */
    private void feedback(ServerRequest req, ServerResponse res, String requestId) {
        JsonNode body = HttpIo.jsonBody(req, maxBody);
        Ledger ledger = ledger();
        String target = OpenAiCodec.optString(body, "request_id").orElse("");
        if (target.isBlank()) throw new GatewayException.BadRequest("Missing required parameter: 'request_id'.", "request_id");
        JsonNode score = body.get("score");
        JsonNode thumbs = body.get("thumbs");
        Feedback feedback;
        if (OpenAiCodec.present(score) && OpenAiCodec.present(thumbs)) {
            // Two signals that may disagree: recording either would silently drop the other.
            throw new GatewayException.BadRequest("Send either 'score' or 'thumbs', not both.", "thumbs");
        } else if (OpenAiCodec.present(score)) {
            if (!score.isNumber()) {
                throw new GatewayException.BadRequest("Invalid type for 'score': expected a number from 0 to 1, but got "
                        + OpenAiCodec.kind(score) + ".", "score");
            }
            double value = score.asDouble();
            if (!(value >= 0 && value <= 1)) throw new GatewayException.BadRequest("'score' must be between 0 and 1.", "score");
            feedback = Feedback.score(value);
        } else if (OpenAiCodec.present(thumbs)) {
            if (!thumbs.isTextual()) {
                throw new GatewayException.BadRequest("Invalid type for 'thumbs': expected a string, 'up' or 'down', but got "
                        + OpenAiCodec.kind(thumbs) + ".", "thumbs");
            }
            if (!thumbs.asText().equals("up") && !thumbs.asText().equals("down")) {
                throw new GatewayException.BadRequest("'thumbs' must be 'up' or 'down'.", "thumbs");
            }
            feedback = Feedback.thumbs(thumbs.asText().equals("up"));
        } else {
            throw new GatewayException.BadRequest("Send 'score' (0 to 1) or 'thumbs' ('up' or 'down').", "score");
        }
        int attached;
        var pending = ledger.attachFeedback(target, feedback);
        try {
            attached = pending.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException.Overloaded("Interrupted while recording feedback.", null);
        } catch (ExecutionException e) {
            throw new GatewayException.Overloaded("The ledger could not record feedback right now: "
                    + e.getCause().getMessage(), LEDGER_RETRY_AFTER, LEDGER_UNAVAILABLE);
        } catch (TimeoutException e) {
            pending.cancel(false); // the client is told it failed: it must not land later
            throw new GatewayException.Overloaded("The ledger could not record feedback right now: its store did not "
                    + "answer within 10 seconds.", LEDGER_RETRY_AFTER, LEDGER_UNAVAILABLE);
        }
        if (attached == 0) {
            // Ids the gateway keeps are at most 128 characters: a longer one is quoted only in part, not echoed whole.
            String quoted = target.length() <= 128 ? target : target.substring(0, 128) + "…";
            throw new GatewayException.NotFound("No ledger record for request id '" + quoted + "'.", "request_id",
                    "request_not_found");
        }
        HttpIo.sendJson(res, 200, Json.object().put("ok", true).put("records", attached));
    }

    private void stats(ServerRequest req, ServerResponse res, String requestId) {
        LedgerStats s;
        try {
            s = ledger().stats(StatsQuery.ALL);
        } catch (LedgerStoreUnavailableException e) {
            throw new GatewayException.Overloaded("The ledger's store is unavailable right now: " + e.getMessage(),
                    LEDGER_RETRY_AFTER, LEDGER_UNAVAILABLE);
        }
        ObjectNode o = Json.object();
        o.put("calls", s.calls());
        o.put("errors", s.errors());
        o.put("total_cost_usd", Decimals.roundedUsd(s.totalCostUsd()));
        o.put("top_tier_cost_usd", Decimals.roundedUsd(s.topTierCostUsd()));
        o.put("savings_usd", Decimals.roundedUsd(s.savingsUsd()));
        o.put("savings_share", s.savingsShare());
        if (s.averageQuality().isPresent()) o.put("avg_quality", s.averageQuality().getAsDouble());
        else o.putNull("avg_quality");
        o.put("rated", s.ratedCalls());
        o.set("by_tier", counts(s.callsByTier()));
        o.set("by_model", counts(s.callsByModel()));
        o.set("by_type", counts(s.callsByTaskType()));
        o.set("by_status", counts(s.callsByStatus()));
        // What the statistics cannot show: records still waiting to be written, and those the ledger lost.
        Ledger ledger = ledger();
        o.putObject("ledger").put("queued", ledger.queued()).put("dropped", ledger.dropped()).put("failed", ledger.failed());
        HttpIo.sendJson(res, 200, o);
    }

    private static ObjectNode counts(Map<?, Long> counts) {
        ObjectNode o = Json.object();
        counts.forEach((k, v) -> o.put(String.valueOf(k), v));
        return o;
    }

    /** No key needed: tells a client (the UI) whether it must ask for one, and the router's live parameters. */
    private void info(ServerRequest req, ServerResponse res, String requestId) {
        RoutingSettings r = engine.config().routing();
        ObjectNode o = Json.object();
        ObjectNode routing = o.putObject("routing");
        routing.put("model", r.modelNames().getFirst());
        ArrayNode aliases = routing.putArray("aliases");
        r.modelNames().stream().skip(1).forEach(aliases::add);
        routing.put("quality_weight", r.qualityWeight());
        routing.put("cost_weight", r.costWeight());
        routing.put("default_threshold", r.defaultThreshold());
        ObjectNode thresholds = routing.putObject("thresholds");
        r.thresholds().forEach(thresholds::put);
        routing.put("decompose", r.decompose());
        o.put("auth_required", engine.config().masterKey().isPresent());
        o.put("ledger", engine.ledger().isPresent());
        o.put("version", "0.1.0");
        HttpIo.sendJson(res, 200, o);
    }

    private Ledger ledger() {
        return engine.ledger().orElseThrow(() -> new GatewayException.NotFound(
                "The routing ledger is off (switchboard.ledger.store: none).", null, "ledger_disabled"));
    }
}
