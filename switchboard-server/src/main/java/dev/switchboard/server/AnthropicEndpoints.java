package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.wire.AnthropicMessagesCodec;
import dev.switchboard.core.wire.AnthropicStreamEncoder;
import dev.switchboard.core.wire.Json;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Anthropic-compatible endpoints ({@code POST /v1/messages}, {@code /v1/messages/count_tokens}, and
 * {@code GET /v1/models} for clients that send {@code anthropic-version}) in front of whatever provider the
 * model routes to. A thin codec over the engine, like {@link OpenAiEndpoints}; errors are Anthropic error objects.
 */
final class AnthropicEndpoints {
    static final HeaderName VERSION = HeaderNames.create("anthropic-version");
    /** Anthropic's SDKs read the request id from this header. */
    private static final HeaderName ANTHROPIC_REQUEST_ID = HeaderNames.create("request-id");

    private final Switchboard engine;
    private final Gate gate;
    private final long maxBody;
    private final Instant created;

    AnthropicEndpoints(Switchboard engine, Gate gate) {
        this.engine = engine;
        this.gate = gate;
        this.maxBody = engine.config().server().maxBodyBytes();
        this.created = Instant.ofEpochSecond(engine.ticker().epochSeconds());
    }

    /** Must be registered before {@link OpenAiEndpoints}: the model listings pass on requests without {@code anthropic-version}. */
    void register(Routes routes) {
        for (String prefix : List.of("/v1", "")) {
            routes.post(prefix + "/messages", guard(this::messages));
            routes.post(prefix + "/messages/count_tokens", guard(this::countTokens));
            routes.get(prefix + "/models", onlyForAnthropicClients(guard(this::models)));
            routes.get(prefix + "/models/*", onlyForAnthropicClients(guard(this::model)));
        }
    }

    private Handler guard(Gate.Endpoint endpoint) {
        return gate.guard((req, res, requestId) -> {
            res.header(ANTHROPIC_REQUEST_ID, requestId);
            endpoint.handle(req, res, requestId);
        }, AnthropicEndpoints::sendError);
    }

    /** The one place that decides which shape a model listing takes: Anthropic's when the client says its version. */
    private static Handler onlyForAnthropicClients(Handler handler) {
        return (req, res) -> {
            if (req.headers().contains(VERSION)) handler.handle(req, res);
            else res.next();
        };
    }

    /** Whether an error for a request no endpoint took should be Anthropic's shape: its version header or a Messages path. */
    static boolean speaksAnthropic(ServerRequest req) {
        return req.headers().contains(VERSION) || isMessagesPath(req.path().path());
    }

    /** Whether a path is one of the Messages API's, which answers errors in Anthropic's shape. */
    static boolean isMessagesPath(String path) {
        return path.startsWith("/v1/messages") || path.startsWith("/messages");
    }

    /** Anthropic's error object, with the request id in the body as Anthropic sends it, and {@code retry-after} when known. */
    static void sendError(ServerResponse res, GatewayException e) {
        AnthropicMessagesCodec.retryAfterSeconds(e).ifPresent(s -> res.header(HeaderNames.RETRY_AFTER, Integer.toString(Math.max(1, s))));
        ObjectNode body = AnthropicMessagesCodec.writeError(e);
        res.headers().first(HttpIo.REQUEST_ID).ifPresent(id -> body.put("request_id", id));
        HttpIo.sendJson(res, AnthropicMessagesCodec.status(e), body);
    }

    private void messages(ServerRequest req, ServerResponse res, String requestId) {
        ChatRequest chat = AnthropicMessagesCodec.parseRequest(HttpIo.jsonBody(req, maxBody));
        Exchange exchange = HttpIo.exchange(engine, chat, req, requestId);
        if (chat.stream()) {
            gate.stream(exchange, res, dialect(chat));
            return;
        }
        switch (gate.run(exchange, res)) {
            case Reply.Complete c -> HttpIo.sendJson(res, 200, AnthropicMessagesCodec.writeResponse(c.response()));
            case Reply.Streaming s -> dialect(chat).respond(res, s);
            case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat request");
        }
    }

    /** Anthropic's event grammar for a streamed answer (Gateway extras have no place in its events and are left out). */
    private Gate.StreamDialect dialect(ChatRequest chat) {
        return new NamedEventStream(new AnthropicStreamEncoder(chat.model(), engine.tokens().countPrompt(chat), engine.tokens()),
                () -> {});
    }

    /** An estimate with the gateway's tokenizer, for a model the gateway serves (Anthropic answers 404 otherwise). */
    private void countTokens(ServerRequest req, ServerResponse res, String requestId) {
        JsonNode body = HttpIo.jsonBody(req, maxBody);
        ChatRequest chat = AnthropicMessagesCodec.parseCountTokensRequest(body);
        if (!serves(chat.model())) throw GatewayException.NotFound.model(chat.model());
        HttpIo.sendJson(res, 200, Json.object().put("input_tokens", engine.tokens().countPrompt(chat)));
    }

    private boolean serves(String model) {
        return engine.modelGroups().containsKey(model) || engine.config().routing().modelNames().contains(model);
    }

    private void models(ServerRequest req, ServerResponse res, String requestId) {
        List<ObjectNode> items = new ArrayList<>();
        engine.modelGroups().forEach((name, group) -> items.add(modelItem(name, group)));
        engine.routedModels().forEach((name, router) -> items.add(routedModelItem(name, router)));
        var query = req.query();
        int limit = HttpIo.limit(req, 20, 1000);
        HttpIo.sendJson(res, 200, AnthropicMessagesCodec.modelPage(items, query.first("after_id").asOptional(),
                query.first("before_id").asOptional(), limit));
    }

    private void model(ServerRequest req, ServerResponse res, String requestId) {
        HttpIo.sendJson(res, 200, HttpIo.modelNamedInPath(engine, req, this::modelItem, this::routedModelItem));
    }

    /** A name a router serves, as a model item without limits (they are the chosen model's). */
    private ObjectNode routedModelItem(String name, String router) {
        return AnthropicMessagesCodec.modelItem(name, "Switchboard router (" + router + ")", created, OptionalInt.empty(),
                OptionalInt.empty());
    }

    /** A model group as Anthropic's model item; limits are the smallest of the group's deployments. */
    private ObjectNode modelItem(String name, List<Deployment> group) {
        int window = group.stream().mapToInt(d -> d.info().contextWindow()).min().orElse(0);
        int output = group.stream().mapToInt(d -> d.info().maxOutputTokens()).min().orElse(0);
        String display = group.getFirst().info().label().orElse(name);
        return AnthropicMessagesCodec.modelItem(name, display, created,
                window > 0 ? OptionalInt.of(window) : OptionalInt.empty(),
                output > 0 ? OptionalInt.of(output) : OptionalInt.empty());
    }
}
