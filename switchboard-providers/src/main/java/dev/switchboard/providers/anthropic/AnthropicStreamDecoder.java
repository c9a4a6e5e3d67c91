package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.wire.Json;
import dev.switchboard.providers.anthropic.AnthropicWire.StreamEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Anthropic's streaming event grammar → canonical chunks. Reference:
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming
 *
 * <pre>
 * message_start → content_block_start / content_block_delta* / content_block_stop (per block)
 *               → message_delta (stop_reason, cumulative usage) → message_stop
 * </pre>
 * with {@code ping} anywhere and {@code error} ending the stream. Output: a role chunk, then content,
 * reasoning and tool-call deltas (each {@code tool_use} block gets the next tool-call index; the first text or citation
 * of each text block is marked as starting one), each citation of a text block ({@code citations_delta}), a thinking
 * block's signature and each redacted thinking block, a finish chunk at message_delta and a usage chunk at
 * message_stop.
 *
 * <p>An event the grammar does not allow — a delta without the field its type requires, or for a block no
 * content_block_start opened — is the upstream's fault: an {@link GatewayException.UpstreamError} that says what was
 * wrong, as for an event that is not JSON at all.
 */
public final class AnthropicStreamDecoder implements StreamDecoder {
    private final Ticker ticker;
    private String id = "";
    private String model = "";
    private long created;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    /** The type of each block content_block_start opened, by its index. */
    private final Map<Integer, String> blockTypes = new HashMap<>();
    /** A text block has started and none of its text has gone out yet. */
    private boolean textBlockStarted;
    private int inputTokens;
    private int outputTokens;
    private int cacheWrite;
    private int cacheRead;
    private boolean done;

    public AnthropicStreamDecoder(Ticker ticker) {
        this.ticker = ticker;
    }

    @Override
    public List<ChatChunk> decode(Frame frame) {
        StreamEvent event;
        try {
            event = AnthropicWire.read(frame.data(), StreamEvent.class);
        } catch (IOException | RuntimeException e) {
            throw new GatewayException.UpstreamError("anthropic sent a malformed stream event: " + e.getMessage(), 502, null);
        }
        return switch (event) {
            case AnthropicWire.MessageStart s -> start(s);
            case AnthropicWire.ContentBlockStart s -> blockStart(s);
            case AnthropicWire.ContentBlockDelta d -> blockDelta(d);
            case AnthropicWire.MessageDelta d -> messageDelta(d);
            case AnthropicWire.MessageStop s -> {
                done = true;
                yield List.of(ChatChunk.usage(id, created, model, usage()));
            }
            case AnthropicWire.ErrorEvent e -> {
                done = true;
                throw AnthropicErrors.fromStreamError(e.error());
            }
            case AnthropicWire.ContentBlockStop s -> List.of();
            case AnthropicWire.Ping p -> List.of();
            case AnthropicWire.UnknownEvent u -> List.of();
        };
    }

    private List<ChatChunk> start(AnthropicWire.MessageStart s) {
        created = ticker.epochSeconds();
        if (s.message() != null) {
            id = s.message().id() == null ? "" : s.message().id();
            model = s.message().model() == null ? "" : s.message().model();
            s.message().usage().ifPresent(u -> {
                inputTokens = u.inputTokens();
                outputTokens = u.outputTokens();
                cacheWrite = u.cacheCreationInputTokens();
                cacheRead = u.cacheReadInputTokens();
            });
        }
        return List.of(chunk(ChunkChoice.role(0, Role.ASSISTANT)));
    }

    private List<ChatChunk> blockStart(AnthropicWire.ContentBlockStart s) {
        if (s.contentBlock() == null) throw malformed("content_block_start for block " + s.index() + " has no content_block");
        blockTypes.put(s.index(), s.contentBlock().type() == null ? "" : s.contentBlock().type());
        return switch (s.contentBlock()) {
            case AnthropicWire.ToolUseBlock u -> {
                int toolIndex = toolIndexByBlock.size();
                toolIndexByBlock.put(s.index(), toolIndex);
                // Input normally follows as input_json_delta; a start block that already holds it passes it on.
                boolean hasInput = u.input() != null && u.input().isObject() && !u.input().isEmpty();
                String arguments = hasInput ? Json.text(u.input()) : "";
                yield List.of(chunk(ChunkChoice.toolCalls(0, List.of(
                        new ToolCallDelta(toolIndex, Optional.of(u.id()), Optional.of(u.name()), Optional.of(arguments))))));
            }
            case AnthropicWire.TextBlock t -> {
                textBlockStarted = true;
                List<ChatChunk> out = new ArrayList<>();
                if (t.text() != null && !t.text().isEmpty()) out.add(text(t.text()));
                for (var citation : AnthropicAdapter.citations(t.citations())) out.add(citation(citation));
                yield out;
            }
            case AnthropicWire.ThinkingBlock t when t.thinking() != null && !t.thinking().isEmpty() ->
                    List.of(chunk(ChunkChoice.reasoning(0, t.thinking())));
            case AnthropicWire.RedactedThinkingBlock r when r.data() != null ->
                    List.of(chunk(ChunkChoice.redactedReasoning(0, r.data())));
            case null, default -> List.of();
        };
    }

    private List<ChatChunk> blockDelta(AnthropicWire.ContentBlockDelta d) {
        if (d.delta() == null) throw malformed("content_block_delta for block " + d.index() + " has no delta");
        if (!blockTypes.containsKey(d.index())) {
            throw malformed(d.delta().type() + " for block " + d.index() + ", which no content_block_start opened");
        }
        return switch (d.delta()) {
            case AnthropicWire.TextDelta t -> List.of(text(required(t.text(), "text", d)));
            case AnthropicWire.ThinkingDelta t -> List.of(chunk(ChunkChoice.reasoning(0, required(t.thinking(), "thinking", d))));
            case AnthropicWire.InputJsonDelta j -> {
                String partial = required(j.partialJson(), "partial_json", d);
                Integer toolIndex = toolIndexByBlock.get(d.index());
                // Input of blocks without a canonical form (server_tool_use) is not passed on.
                if (toolIndex == null || partial.isEmpty()) yield List.of();
                yield List.of(chunk(ChunkChoice.toolCalls(0, List.of(
                        new ToolCallDelta(toolIndex, Optional.empty(), Optional.empty(), Optional.of(partial))))));
            }
            // The signature closes the thinking block; a client sends it back to keep thinking on in a tool loop.
            case AnthropicWire.SignatureDelta s -> required(s.signature(), "signature", d).isEmpty() ? List.of()
                    : List.of(chunk(ChunkChoice.reasoningSignature(0, s.signature())));
            case AnthropicWire.CitationsDelta c -> {
                if (c.citation() == null || !c.citation().isObject()) {
                    throw malformed("citations_delta for block " + d.index() + " has no citation object");
                }
                yield List.of(citation(c.citation()));
            }
            case AnthropicWire.UnknownDelta u -> List.of();
        };
    }

    private static String required(String value, String field, AnthropicWire.ContentBlockDelta d) {
        if (value == null) throw malformed(d.delta().type() + " for block " + d.index() + " has no '" + field + "'");
        return value;
    }

    private static GatewayException malformed(String what) {
        return new GatewayException.UpstreamError("anthropic sent a malformed stream event: " + what, 502, null);
    }

    private List<ChatChunk> messageDelta(AnthropicWire.MessageDelta d) {
        d.usage().ifPresent(u -> {
            outputTokens = u.outputTokens();
            u.inputTokens().ifPresent(v -> inputTokens = v);
            u.cacheCreationInputTokens().ifPresent(v -> cacheWrite = v);
            u.cacheReadInputTokens().ifPresent(v -> cacheRead = v);
        });
        Optional<String> stop = d.delta() == null ? Optional.empty() : d.delta().stopReason();
        Optional<String> sequence = d.delta() == null ? Optional.empty()
                : AnthropicAdapter.stopSequence(stop, d.delta().stopSequence());
        return stop.map(reason -> List.of(chunk(ChunkChoice.finish(0, AnthropicAdapter.finishReason(reason), sequence))))
                .orElse(List.of());
    }

    /** Text of the open text block; its first piece says it starts a block, so a client sees two blocks as two. */
    private ChatChunk text(String text) {
        if (!textBlockStarted || text.isEmpty()) return chunk(ChunkChoice.content(0, text));
        textBlockStarted = false;
        return chunk(ChunkChoice.textBlock(0, text));
    }

    /** A citation of the open text block, which it starts when it comes before the block's text. */
    private ChatChunk citation(JsonNode citation) {
        boolean starts = textBlockStarted;
        textBlockStarted = false;
        return chunk(ChunkChoice.citation(0, citation, starts));
    }

    private Usage usage() {
        return AnthropicAdapter.usage(new AnthropicWire.Usage(inputTokens, outputTokens, cacheWrite, cacheRead));
    }

    private ChatChunk chunk(ChunkChoice choice) {
        return ChatChunk.of(id, created, model, choice);
    }

    @Override
    public boolean done() {
        return done;
    }

    /** A body that ends before message_stop was cut off: the client must not mistake it for a full answer. */
    @Override
    public List<ChatChunk> finish() {
        if (!done) throw new GatewayException.ConnectionFailed("anthropic stream ended before message_stop", null);
        return List.of();
    }
}
