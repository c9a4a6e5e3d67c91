package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiResponsesCodec;
import dev.switchboard.core.wire.OpenAiResponsesStreamEncoder;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OpenAI's Responses API ({@code POST /v1/responses}, {@code GET} and {@code DELETE /v1/responses/{id}}) over the
 * same pipeline as chat: {@link OpenAiResponsesCodec} turns a request into a chat request and the answer into a
 * response object, {@link OpenAiResponsesStreamEncoder} a stream into response events. Answers asked to be stored
 * (OpenAI's default) are kept in {@link StoredResponses} for {@code previous_response_id} and {@code GET}.
 */
final class ResponsesEndpoints {
    private static final String INPUT_ITEMS = "/input_items";
    private final Switchboard engine;
    private final Gate gate;
    private final long maxBody;
    private final StoredResponses stored;

    ResponsesEndpoints(Switchboard engine, Gate gate) {
        this.engine = engine;
        this.gate = gate;
        this.maxBody = engine.config().server().maxBodyBytes();
        this.stored = new StoredResponses(engine.config().server().storedResponsesBytes(),
                engine.config().server().storedResponsesTtl(), engine.sharedState());
    }

    void register(Routes routes) {
        for (String prefix : List.of("/v1", "")) {
            routes.post(prefix + "/responses", gate.guard(this::create));
            routes.get(prefix + "/responses/*", gate.guard(this::retrieve));
            routes.delete(prefix + "/responses/*", gate.guard(this::delete));
        }
    }

    /** One request's answer in the making: what it was asked, by whom, and the response's id. */
    private record Turn(OpenAiResponsesCodec.Request request, List<Message> conversation, String owner, String id,
            long createdAt) {
        /** The conversation a next turn continues: the earlier turns and this input (no instructions), then the answer. */
        List<Message> with(Message answer) {
            List<Message> all = new ArrayList<>(conversation);
            all.add(answer);
            return all;
        }

        String model() {
            return request.template().model();
        }
    }

    private void create(ServerRequest req, ServerResponse res, String requestId) {
        OpenAiResponsesCodec.Request request = OpenAiResponsesCodec.parseRequest(HttpIo.jsonBody(req, maxBody));
        String owner = Gate.principal().id();
        List<Message> earlier = request.previousResponseId().map(id -> stored.get(id, owner)
                .orElseThrow(() -> new GatewayException.BadRequest("Previous response with id '" + id + "' not found.",
                        "previous_response_id", "previous_response_not_found"))
                .conversation()).orElse(List.of());
        ChatRequest chat = request.chat(earlier);
        List<Message> conversation = new ArrayList<>(earlier);
        conversation.addAll(request.input());
        Turn turn = new Turn(request, conversation, owner, OpenAiResponsesCodec.newId("resp"), engine.ticker().epochSeconds());
        Exchange exchange = HttpIo.exchange(engine, chat, req, requestId);
        if (chat.stream()) {
            gate.stream(exchange, res, dialect(turn, chat));
            return;
        }
        ObjectNode response = switch (gate.run(exchange, res)) {
            case Reply.Complete c -> complete(turn, chat, c.response());
            case Reply.Streaming s -> gathered(turn, chat, s.stream());
            case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat request");
        };
        HttpIo.sendJson(res, 200, response);
    }

    /** A whole answer as a response object, stored when asked. */
    private ObjectNode complete(Turn turn, ChatRequest chat, ChatResponse answer) {
        Message message = answer.choices().isEmpty() ? Message.assistant("") : answer.choices().getFirst().message();
        Optional<FinishReason> finish = answer.finishReason();
        Usage usage = HttpIo.usage(engine, chat, answer);
        ObjectNode response = OpenAiResponsesCodec.writeResponse(turn.id(), turn.createdAt(), turn.model(),
                OpenAiResponsesCodec.status(finish), finish, OpenAiResponsesCodec.outputItems(message, finish), Optional.of(usage),
                turn.request().echo());
        store(turn, response, message);
        return response;
    }

    /** A streamed answer to a request that asked for a whole one, gathered through the stream encoder. */
    private ObjectNode gathered(Turn turn, ChatRequest chat, ChatStream stream) {
        OpenAiResponsesStreamEncoder encoder = encoder(turn, chat);
        try (ChatStream s = stream) {
            Optional<ChatChunk> next;
            while ((next = s.next()).isPresent()) encoder.encode(next.get());
        }
        encoder.finish();
        store(turn, encoder.response().orElseThrow(), encoder.answer());
        return encoder.response().orElseThrow();
    }

    private void store(Turn turn, ObjectNode response, Message answer) {
        if (turn.request().store()) {
            stored.put(turn.id(), new StoredResponses.Entry(turn.owner(), response,
                    OpenAiResponsesCodec.inputItems(turn.request().input()), turn.with(answer)));
        }
    }

    private OpenAiResponsesStreamEncoder encoder(Turn turn, ChatRequest chat) {
        return new OpenAiResponsesStreamEncoder(turn.id(), turn.createdAt(), turn.model(), turn.request().echo(),
                engine.tokens().countPrompt(chat), engine.tokens());
    }

    /** The Responses API's stream grammar, for {@link Gate#stream}; the whole answer is stored when asked. */
    private Gate.StreamDialect dialect(Turn turn, ChatRequest chat) {
        OpenAiResponsesStreamEncoder encoder = encoder(turn, chat);
        return new NamedEventStream(encoder, () -> store(turn, encoder.response().orElseThrow(), encoder.answer()));
    }

    /** {@code GET /v1/responses/{id}}, or {@code /v1/responses/{id}/input_items}. */
    private void retrieve(ServerRequest req, ServerResponse res, String requestId) {
        String rest = afterResponses(req.path().path());
        boolean items = rest.endsWith(INPUT_ITEMS) && rest.length() > INPUT_ITEMS.length();
        String id = idOf(items ? rest.substring(0, rest.length() - INPUT_ITEMS.length()) : rest);
        StoredResponses.Entry entry = stored.get(id, Gate.principal().id()).orElseThrow(() -> notFound(id));
        if (!items) {
            HttpIo.sendJson(res, 200, entry.response());
            return;
        }
        var query = req.query();
        int limit = HttpIo.limit(req, 20, 100);
        String order = query.first("order").orElse("desc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new GatewayException.BadRequest("Invalid 'order': '" + order + "'. Expected 'asc' or 'desc'.", "order");
        }
        // include asks for fields of hosted tools' items and of image inputs: there are no such items, and images are
        // listed whole, so it changes nothing.
        HttpIo.sendJson(res, 200, OpenAiResponsesCodec.itemPage((ArrayNode) entry.inputItems(),
                order.equals("asc"), query.first("after").asOptional(), limit));
    }

    private void delete(ServerRequest req, ServerResponse res, String requestId) {
        String id = idOf(afterResponses(req.path().path()));
        if (!stored.remove(id, Gate.principal().id())) throw notFound(id);
        HttpIo.sendJson(res, 200, Json.object().put("id", id).put("object", "response").put("deleted", true));
    }

    /** What follows {@code /responses/} in a path the routes matched as {@code /responses/*}. */
    private static String afterResponses(String path) {
        return path.substring(path.indexOf("/responses/") + "/responses/".length());
    }

    private static String idOf(String id) {
        if (id.contains("/")) {
            throw new GatewayException.NotFound("This gateway serves GET and DELETE /v1/responses/{id} and GET "
                    + "/v1/responses/{id}/input_items only (no cancel or compact).", null, "unknown_url");
        }
        return id;
    }

    /** Also for a response another key made: its existence is not the caller's business. */
    private static GatewayException notFound(String id) {
        return new GatewayException.NotFound("Response with id '" + id + "' not found.", null, "not_found");
    }
}
