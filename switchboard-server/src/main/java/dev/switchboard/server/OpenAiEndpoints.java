package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.pipeline.Attributes;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.stages.RouteReport;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiCompletionsCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** OpenAI-compatible endpoints: a thin codec over the engine. */
final class OpenAiEndpoints {
    private final Switchboard engine;
    private final Gate gate;
    private final long maxBody;
    private final long createdEpoch;

    OpenAiEndpoints(Switchboard engine, Gate gate) {
        this.engine = engine;
        this.gate = gate;
        this.maxBody = engine.config().server().maxBodyBytes();
        this.createdEpoch = engine.ticker().epochSeconds();
    }

    void register(Routes routes) {
        for (String prefix : List.of("/v1", "")) {
            routes.post(prefix + "/chat/completions", gate.guard(this::chat));
            routes.post(prefix + "/completions", gate.guard(this::completions));
            routes.post(prefix + "/embeddings", gate.guard(this::embeddings));
            routes.get(prefix + "/models", gate.guard(this::models));
            routes.get(prefix + "/models/*", gate.guard(this::model));
        }
    }

    private void chat(ServerRequest req, ServerResponse res, String requestId) {
        ChatRequest chat = OpenAiCodec.parseChatRequest(HttpIo.jsonBody(req, maxBody));
        Exchange exchange = HttpIo.exchange(engine, chat, req, requestId);
        ChunkEvents events = chatChunks(chat.includeUsage());
        if (chat.stream()) {
            gate.stream(exchange, res, dialect(events));
            return;
        }
        switch (gate.run(exchange, res)) {
            case Reply.Complete c -> HttpIo.sendJson(res, 200, OpenAiCodec.writeChatResponse(c.response(),
                    exchange.context().get(Attributes.RESPONSE_EXTENSION).orElse(null)));
            case Reply.Streaming s -> stream(res, s.stream(), events);
            case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat request");
        }
    }

    /** The legacy {@code /v1/completions}, run as chat ({@link OpenAiCompletionsCodec}). */
    private void completions(ServerRequest req, ServerResponse res, String requestId) {
        OpenAiCompletionsCodec.Request request = OpenAiCompletionsCodec.parseRequest(HttpIo.jsonBody(req, maxBody));
        ChatRequest chat = request.chat();
        Exchange exchange = HttpIo.exchange(engine, chat, req, requestId);
        String id = OpenAiCompletionsCodec.newId();
        if (chat.stream()) {
            gate.stream(exchange, res, dialect(completionChunks(id, request)));
            return;
        }
        switch (gate.run(exchange, res)) {
            case Reply.Complete c -> HttpIo.sendJson(res, 200, OpenAiCompletionsCodec.writeResponse(id, request,
                    c.response(), HttpIo.usage(engine, chat, c.response()), exchange.context().get(Attributes.RESPONSE_EXTENSION)));
            case Reply.Streaming s -> stream(res, s.stream(), completionChunks(id, request));
            case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat request");
        }
    }

    /** Writes one chunk of a reply's stream as a dialect's data events, without flushing. */
    @FunctionalInterface
    interface ChunkEvents {
        void write(SseWriter sse, ChatChunk chunk, ChatStream stream) throws IOException;
    }

    /** OpenAI's stream grammar: data events, then {@code [DONE]}; a failure is an error object as a data event. */
    private static Gate.StreamDialect dialect(ChunkEvents events) {
        return new Gate.StreamDialect() {
            @Override
            public void respond(ServerResponse res, Reply reply) {
                stream(res, Gate.chunks(reply), events);
            }

            @Override
            public void events(SseWriter sse, Reply reply) throws IOException {
                writeChunks(sse, Gate.chunks(reply), events);
            }

            @Override
            public void error(SseWriter sse, GatewayException e) throws IOException {
                sse.data(OpenAiCodec.writeError(e));
            }
        };
    }

    /**
     * Chat chunks as they are. Upstreams are always asked for usage; it is passed on only when the client asked
     * ({@code stream_options.include_usage}).
     */
    static ChunkEvents chatChunks(boolean includeUsage) {
        return (sse, chunk, s) -> {
            boolean usageOnly = chunk.usage().isPresent() && chunk.choices().isEmpty() && s.extension().isEmpty();
            // A signature, redacted thinking or citation alone would reach an OpenAI client as an empty delta.
            boolean empty = s.extension().isEmpty() && OpenAiCodec.onlyAnthropicFields(chunk);
            if ((includeUsage || !usageOnly) && !empty) {
                if (!includeUsage && chunk.usage().isPresent()) {
                    chunk = new ChatChunk(chunk.id(), chunk.created(), chunk.model(), chunk.choices(), Optional.empty(),
                            chunk.systemFingerprint(), chunk.extras());
                }
                sse.write(chunk, s.extension().orElse(null));
            }
        };
    }

    private static ChunkEvents completionChunks(String id, OpenAiCompletionsCodec.Request request) {
        OpenAiCompletionsCodec.StreamEncoder encoder = new OpenAiCompletionsCodec.StreamEncoder(id, request);
        boolean includeUsage = request.chat().includeUsage();
        return (sse, chunk, s) -> {
            for (ObjectNode event : encoder.encode(chunk, includeUsage, s.extension())) sse.write(event);
        };
    }

    /** Streams a reply as SSE (see {@link #writeChunks}). */
    private static void stream(ServerResponse res, ChatStream stream, ChunkEvents events) {
        HttpIo.startSse(res);
        try (var out = HttpIo.responseStream(res); var sse = new SseWriter(out)) {
            writeChunks(sse, stream, events);
        } catch (IOException e) {
            // The client went away; closing the stream in writeChunks cancelled the upstream call.
        }
    }

    /**
     * Writes a stream's chunks, then {@code [DONE]}. A failure after the first byte ends the stream with an error event
     * and no {@code [DONE]}, so it never looks complete.
     */
    static void writeChunks(SseWriter sse, ChatStream stream, ChunkEvents events) throws IOException {
        try (ChatStream s = stream) {
            Optional<ChatChunk> next;
            boolean first = true;
            while ((next = s.next()).isPresent()) {
                events.write(sse, next.get(), s);
                // The first event goes out at once (no first-chunk delay); later ones already at hand share a write.
                if (first || !s.ready()) sse.flush();
                first = false;
            }
            sse.done();
        } catch (GatewayException e) {
            sse.data(OpenAiCodec.writeError(e));
        }
    }

    private void embeddings(ServerRequest req, ServerResponse res, String requestId) {
        EmbeddingRequest request = OpenAiEmbeddingsCodec.parseRequest(HttpIo.jsonBody(req, maxBody));
        Exchange exchange = HttpIo.exchange(engine, request, req, requestId);
        if (!(gate.run(exchange, res) instanceof Reply.Embeddings e)) throw new IllegalStateException("expected embeddings");
        // Written as it is generated: a large batch's JSON is tens of MB (see OpenAiEmbeddingsCodec.writeResponse).
        HttpIo.sendJson(res, 200, g -> OpenAiEmbeddingsCodec.writeResponse(e.response().withModel(request.model()),
                request.base64(), g));
    }

    private void models(ServerRequest req, ServerResponse res, String requestId) {
        ObjectNode list = Json.object().put("object", "list");
        ArrayNode data = list.putArray("data");
        engine.modelGroups().forEach((name, group) -> data.add(modelObject(name, group)));
        engine.routedModels().forEach((name, router) -> data.add(routedModelObject(name, router)));
        HttpIo.sendJson(res, 200, list);
    }

    private void model(ServerRequest req, ServerResponse res, String requestId) {
        HttpIo.sendJson(res, 200, HttpIo.modelNamedInPath(engine, req, this::modelObject, this::routedModelObject));
    }

    /** A name a router serves (e.g. {@code switchboard/auto}): a model object, so clients that pick from the list can pick it. */
    private ObjectNode routedModelObject(String name, String router) {
        ObjectNode o = Json.object().put("id", name).put("object", "model").put("created", createdEpoch).put("owned_by", "switchboard");
        o.putObject("switchboard").put("mode", "router").put("router", router);
        return o;
    }

    /** A model group as OpenAI's model object, plus a {@code switchboard} extension; simulated models say so. */
    private ObjectNode modelObject(String name, List<Deployment> group) {
        boolean simulated = group.stream().allMatch(Deployment::simulated);
        ObjectNode o = Json.object().put("id", name).put("object", "model").put("created", createdEpoch);
        o.put("owned_by", simulated ? "switchboard-simulated" : group.getFirst().provider());
        ObjectNode ext = o.putObject("switchboard");
        ext.put("simulated", simulated);
        Deployment first = group.getFirst();
        ext.put("mode", first.info().mode());
        first.info().tier().ifPresent(t -> ext.put("tier", t));
        first.info().label().ifPresent(l -> ext.put("label", l));
        engine.router().registry().find(first.id()).ifPresent(profile -> {
            ext.set("price", Json.object().put("input_per_million", profile.prices().inputPerMillion())
                    .put("output_per_million", profile.prices().outputPerMillion()).put("source", profile.priceSource()));
            ext.set("quality", Json.object().put("low", RouteReport.round(profile.quality().overall().at(0.1)))
                    .put("high", RouteReport.round(profile.quality().overall().at(0.9))));
            ArrayNode types = ext.putArray("task_types");
            profile.taskTypes().stream().sorted().forEach(types::add);
        });
        ArrayNode deployments = ext.putArray("deployments");
        for (Deployment d : group) {
            ObjectNode item = Json.object().put("id", d.id()).put("provider", d.provider()).put("model", d.upstreamModel())
                    .put("simulated", d.simulated()).put("context_window", d.info().contextWindow());
            item.set("health", HealthEndpoints.statusJson(engine.deploymentHealth().status(d.id())));
            deployments.add(item);
        }
        return o;
    }

}
