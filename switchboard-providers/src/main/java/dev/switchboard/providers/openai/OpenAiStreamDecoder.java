package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes OpenAI's streamed {@code chat.completion.chunk} events: one JSON chunk per {@code data:} frame,
 * {@code data: [DONE]} at the end. An {@code error} object inside a frame (OpenAI-compatible servers send
 * one when generation fails mid-stream) becomes the mapped exception. A frame that is not valid JSON is
 * skipped and logged: passing garbage on would break the client's parser. A choice's first delta without a
 * {@code role} (some compatible servers leave it out) gets {@code assistant}, as OpenAI sends it: the SDKs' stream
 * helpers refuse a choice that never says its role.
 *
 * <p>A stream that ends without a usage chunk (some compatible servers send none, asked or not) gets one, as OpenAI
 * always sends it: the gateway's {@link EstimatedUsage}.
 */
final class OpenAiStreamDecoder implements StreamDecoder {
    private static final System.Logger LOG = System.getLogger(OpenAiStreamDecoder.class.getName());
    private static final String DONE = "[DONE]";

    private final Ticker ticker;
    private boolean done;
    private boolean sawEvent;
    private boolean sawFinishReason;
    private boolean sawUsage;
    private final Set<Integer> choicesStarted = new HashSet<>();
    /** The answer so far: counted if no usage comes. */
    private final EstimatedUsage estimate;
    private ChatChunk last;

    OpenAiStreamDecoder(Ticker ticker, TokenCounter tokens, ChatRequest request) {
        this.ticker = ticker;
        this.estimate = new EstimatedUsage(tokens, request);
    }

    @Override
    public List<ChatChunk> decode(Frame frame) {
        String data = frame.data();
        if (data.isBlank()) return List.of();
        sawEvent = true;
        if (data.strip().equals(DONE)) {
            done = true;
            return List.of();
        }
        if (frame.event().filter("error"::equals).isPresent()) return errorEvent(data);
        ChatChunk chunk;
        try (JsonParser p = Json.parser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return skipNotAnObject();
            chunk = OpenAiCodec.readChunk(p);
            if (chunk == null) return errorEvent(data);
            if (p.nextToken() != null) throw new JsonParseException(p, "trailing content after the chunk");
        } catch (JsonProcessingException e) {
            return skipMalformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Azure-style prompt-filter preambles carry neither choices nor usage: nothing to pass on.
        if (chunk.choices().isEmpty() && chunk.usage().isEmpty()) return List.of();
        for (var choice : chunk.choices()) {
            sawFinishReason |= choice.finishReason().isPresent();
            if (!sawUsage) estimate.add(choice);
        }
        sawUsage |= chunk.usage().isPresent();
        last = chunk;
        return List.of(withRoles(chunk));
    }

    /** The usage chunk the upstream left out, counted by the gateway and marked as its estimate. */
    private ChatChunk estimatedUsage() {
        return new ChatChunk(last.id(), last.created(), last.model(), List.of(), Optional.of(estimate.usage()),
                Optional.empty(), Optional.of(EstimatedUsage.marker()));
    }

    private ChatChunk withRoles(ChatChunk chunk) {
        List<ChunkChoice> choices = null;
        for (int i = 0; i < chunk.choices().size(); i++) {
            ChunkChoice choice = chunk.choices().get(i);
            if (!choicesStarted.add(choice.index()) || choice.role().isPresent()) continue;
            if (choices == null) choices = new ArrayList<>(chunk.choices());
            choices.set(i, choice.withRole(Role.ASSISTANT));
        }
        return choices == null ? chunk : new ChatChunk(chunk.id(), chunk.created(), chunk.model(), choices, chunk.usage(),
                chunk.systemFingerprint(), chunk.extras());
    }

    /** An event carrying an error (an {@code error} field or an {@code error} event), read whole: its mapped exception. */
    private List<ChatChunk> errorEvent(String data) {
        JsonNode node;
        try {
            node = Json.TREE.readTree(data);
        } catch (JsonProcessingException e) {
            return skipMalformed(e);
        }
        if (node == null || !node.isObject()) return skipNotAnObject();
        throw OpenAiErrors.fromStreamEvent(node, ticker);
    }

    /** Garbage passed on would break the client's parser: a frame that is not JSON is logged and skipped. */
    private static List<ChatChunk> skipMalformed(JsonProcessingException e) {
        LOG.log(System.Logger.Level.WARNING, "skipping a malformed stream frame from openai: {0}", e.getOriginalMessage());
        return List.of();
    }

    private static List<ChatChunk> skipNotAnObject() {
        LOG.log(System.Logger.Level.WARNING, "skipping a stream frame from openai that is not a JSON object");
        return List.of();
    }

    @Override
    public boolean done() {
        return done;
    }

    /**
     * Nothing is buffered between frames, so an end without {@code [DONE]} after a {@code finish_reason} owes nothing
     * more (some compatible servers leave {@code [DONE]} out). Without either, the upstream went away mid-answer (a
     * body delimited by the connection's close looks complete to HTTP): passing that end on would hand the client a
     * truncated answer as a finished one. A body without a single event is no stream at all (e.g. a JSON body where
     * SSE was expected). Both fail, so they can still be retried elsewhere or reach the client as an error.
     */
    @Override
    public List<ChatChunk> finish() {
        if (!sawEvent) {
            throw new GatewayException.UpstreamError("openai-compatible upstream ended the stream without sending any event",
                    200, null);
        }
        if (!done && !sawFinishReason) {
            throw new GatewayException.ConnectionFailed(
                    "openai-compatible upstream ended the stream mid-answer (no finish_reason, no [DONE])", null);
        }
        if (sawUsage || last == null) return List.of();
        sawUsage = true;
        return List.of(estimatedUsage());
    }
}
