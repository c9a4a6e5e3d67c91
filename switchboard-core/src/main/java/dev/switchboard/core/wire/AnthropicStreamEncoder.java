package dev.switchboard.core.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Canonical chunks from any provider → Anthropic's streaming event grammar, exactly as
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming describes it:
 * <pre>
 * message_start, ping,
 *   (content_block_start, content_block_delta*, content_block_stop)*   -- thinking, redacted_thinking, text, tool_use
 * message_delta (stop_reason, usage), message_stop
 * </pre>
 * or an {@code error} event when the upstream fails mid-stream. Each block is opened when its first delta
 * arrives and closed when another kind of delta starts, or a text delta says it starts a new text block (an Anthropic
 * upstream's blocks stay apart); a text block's citations go out as {@code citations_delta}; each canonical tool-call
 * index gets its own
 * {@code tool_use} block fed with {@code input_json_delta}. An upstream's thinking signature goes out as
 * {@code signature_delta} and ends its thinking block (the next thinking opens a new one); a redacted thinking block is
 * sent whole. One instance per stream; not thread-safe.
 */
public final class AnthropicStreamEncoder implements SseEvent.Encoder {

    private enum Block { NONE, THINKING, TEXT, TOOL }

    private final String requestedModel;
    private final int inputTokensEstimate;
    private final TokenCounter tokens;
    private boolean started;
    private boolean ended;
    private Block open = Block.NONE;
    private int openIndex = -1;
    private boolean thinkingSigned;
    private int nextIndex;
    private final Map<Integer, Integer> blockByToolIndex = new HashMap<>();
    private Optional<FinishReason> finish = Optional.empty();
    private Optional<String> stopSequence = Optional.empty();
    private Optional<Usage> usage = Optional.empty();
    private final StringBuilder generated = new StringBuilder();

    /**
     * @param requestedModel the model named in the message when the chunks do not name one
     * @param inputTokensEstimate input tokens announced in message_start (the real count, when the upstream
     *     reports it, follows in message_delta)
     * @param tokens counts output tokens when the upstream reports no usage
     */
    public AnthropicStreamEncoder(String requestedModel, int inputTokensEstimate, TokenCounter tokens) {
        this.requestedModel = requestedModel;
        this.inputTokensEstimate = inputTokensEstimate;
        this.tokens = tokens;
    }

    /** Events for one canonical chunk (the first chunk also opens the message). */
    @Override
    public List<SseEvent> encode(ChatChunk chunk) {
        List<SseEvent> events = new ArrayList<>();
        start(chunk.id(), chunk.model(), events);
        chunk.usage().ifPresent(u -> usage = Optional.of(u));
        for (ChunkChoice choice : chunk.choices()) {
            if (choice.index() != 0) continue; // Anthropic has one answer per message
            choice.reasoning().filter(s -> !s.isEmpty()).ifPresent(t -> {
                ensureOpen(Block.THINKING, events);
                events.add(delta(Json.object().put("type", "thinking_delta").put("thinking", t)));
                generated.append(t);
            });
            choice.reasoningSignature().ifPresent(sig -> {
                ensureOpen(Block.THINKING, events);
                events.add(delta(Json.object().put("type", "signature_delta").put("signature", sig)));
                thinkingSigned = true;
            });
            choice.redactedReasoning().ifPresent(data -> redacted(data, events));
            Optional<String> text = choice.content().or(choice::refusal).filter(s -> !s.isEmpty());
            if (text.isPresent() || choice.citation().isPresent()) {
                if (choice.newTextBlock()) close(events);
                ensureOpen(Block.TEXT, events);
            }
            text.ifPresent(t -> {
                events.add(delta(Json.object().put("type", "text_delta").put("text", t)));
                generated.append(t);
            });
            // A citation belongs to the text block it arrives in, as the upstream's citations_delta did.
            choice.citation().ifPresent(c -> events.add(delta(Json.object().put("type", "citations_delta").set("citation", c))));
            for (ToolCallDelta call : choice.toolCalls()) toolDelta(call, events);
            choice.finishReason().ifPresent(f -> {
                finish = Optional.of(f);
                stopSequence = choice.stopSequence();
            });
        }
        return events;
    }

    /** Closes the open block and ends the message: message_delta with stop reason and usage, message_stop. */
    @Override
    public List<SseEvent> finish() {
        List<SseEvent> events = new ArrayList<>();
        if (ended) return events;
        start("", "", events);
        close(events);
        String stopReason = AnthropicMessagesCodec.stopReason(finish, !blockByToolIndex.isEmpty(), stopSequence);
        ObjectNode delta = Json.object().put("stop_reason", stopReason);
        if (stopReason.equals("stop_sequence")) delta.put("stop_sequence", stopSequence.get());
        else delta.putNull("stop_sequence");
        ObjectNode usageNode = usage.map(AnthropicMessagesCodec::writeUsage).orElseGet(() -> Json.object()
                .put("input_tokens", inputTokensEstimate)
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0)
                .put("output_tokens", tokens.count(generated.toString())));
        ObjectNode messageDelta = Json.object().put("type", "message_delta");
        messageDelta.set("delta", delta);
        messageDelta.set("usage", usageNode);
        events.add(new SseEvent("message_delta", messageDelta));
        events.add(new SseEvent("message_stop", Json.object().put("type", "message_stop")));
        ended = true;
        return events;
    }

    /** The event that ends a stream which failed after it started; nothing follows it. */
    @Override
    public SseEvent error(GatewayException e) {
        ended = true;
        return new SseEvent("error", AnthropicMessagesCodec.writeError(e));
    }

    private void start(String id, String model, List<SseEvent> events) {
        if (started) return;
        started = true;
        ObjectNode message = Json.object();
        message.put("id", AnthropicMessagesCodec.messageId(id));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model == null || model.isEmpty() ? requestedModel : model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", inputTokensEstimate).put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0).put("output_tokens", 0);
        ObjectNode data = Json.object().put("type", "message_start");
        data.set("message", message);
        events.add(new SseEvent("message_start", data));
        events.add(new SseEvent("ping", Json.object().put("type", "ping")));
    }

    private void toolDelta(ToolCallDelta call, List<SseEvent> events) {
        Integer block = blockByToolIndex.get(call.index());
        if (block == null) {
            close(events);
            block = nextIndex++;
            blockByToolIndex.put(call.index(), block);
            ObjectNode toolUse = Json.object().put("type", "tool_use")
                    .put("id", call.id().orElse("toolu_" + block))
                    .put("name", call.name().orElse(""));
            toolUse.putObject("input");
            events.add(blockStart(block, toolUse));
            open = Block.TOOL;
            openIndex = block;
        }
        String args = call.arguments().orElse("");
        if (args.isEmpty()) return;
        // Upstreams stream one tool call after another; a late fragment still goes to its own block.
        events.add(new SseEvent("content_block_delta", blockDeltaData(block,
                Json.object().put("type", "input_json_delta").put("partial_json", args))));
        generated.append(args);
    }

    /** A redacted thinking block comes whole in its start event, as Anthropic sends it. */
    private void redacted(String data, List<SseEvent> events) {
        close(events);
        int index = nextIndex++;
        events.add(blockStart(index, Json.object().put("type", "redacted_thinking").put("data", data)));
        events.add(new SseEvent("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index)));
    }

    private void ensureOpen(Block kind, List<SseEvent> events) {
        // A signed thinking block is complete: more thinking is a block of its own.
        if (open == kind && !(kind == Block.THINKING && thinkingSigned)) return;
        close(events);
        thinkingSigned = false;
        int index = nextIndex++;
        ObjectNode block = switch (kind) {
            case THINKING -> Json.object().put("type", "thinking").put("thinking", "").put("signature", "");
            case TEXT -> Json.object().put("type", "text").put("text", "");
            default -> throw new IllegalStateException("tool blocks open in toolDelta");
        };
        events.add(blockStart(index, block));
        open = kind;
        openIndex = index;
    }

    private void close(List<SseEvent> events) {
        if (open == Block.NONE) return;
        events.add(new SseEvent("content_block_stop", Json.object().put("type", "content_block_stop").put("index", openIndex)));
        open = Block.NONE;
        openIndex = -1;
    }

    private SseEvent blockStart(int index, ObjectNode block) {
        ObjectNode data = Json.object().put("type", "content_block_start").put("index", index);
        data.set("content_block", block);
        return new SseEvent("content_block_start", data);
    }

    private SseEvent delta(ObjectNode delta) {
        return new SseEvent("content_block_delta", blockDeltaData(openIndex, delta));
    }

    private static ObjectNode blockDeltaData(int index, ObjectNode delta) {
        ObjectNode data = Json.object().put("type", "content_block_delta").put("index", index);
        data.set("delta", delta);
        return data;
    }
}
