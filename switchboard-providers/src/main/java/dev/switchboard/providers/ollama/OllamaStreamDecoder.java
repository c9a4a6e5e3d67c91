package dev.switchboard.providers.ollama;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.StreamDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ollama's NDJSON chat stream → canonical chunks: a role chunk first, then content (and thinking) deltas,
 * tool-call deltas (Ollama sends each call whole, in one line, so one delta carries id, name and all
 * arguments), then on the {@code done:true} line a finish chunk and a usage chunk. An {@code error} line
 * throws; a body that ends before {@code done:true} is a broken stream, not a short answer.
 */
final class OllamaStreamDecoder implements StreamDecoder {
    private String id;
    private long created;
    private String model = "";
    private int toolCallCount;
    private boolean done;

    @Override
    public List<ChatChunk> decode(Frame frame) {
        OllamaWire.ChatResponse line = OllamaAdapter.read(frame.data(), OllamaWire.ChatResponse.class);
        if (line.error() != null) throw OllamaErrors.midStream(line.error());
        List<ChatChunk> out = new ArrayList<>(3);
        if (id == null) {
            id = OllamaAdapter.responseId(line);
            created = OllamaAdapter.created(line.createdAt());
            if (line.model() != null) model = line.model();
            out.add(chunk(ChunkChoice.role(0, Role.ASSISTANT)));
        }
        OllamaWire.Message m = line.message();
        if (m != null) {
            if (m.thinking() != null && !m.thinking().isEmpty()) out.add(chunk(ChunkChoice.reasoning(0, m.thinking())));
            if (m.content() != null && !m.content().isEmpty()) out.add(chunk(ChunkChoice.content(0, m.content())));
            List<ToolCall> calls = OllamaAdapter.toolCalls(m.toolCalls(), toolCallCount);
            if (!calls.isEmpty()) {
                List<ToolCallDelta> deltas = new ArrayList<>(calls.size());
                for (ToolCall c : calls) {
                    deltas.add(new ToolCallDelta(toolCallCount++, Optional.of(c.id()), Optional.of(c.name()),
                            Optional.of(c.arguments())));
                }
                out.add(chunk(ChunkChoice.toolCalls(0, deltas)));
            }
        }
        if (line.done()) {
            done = true;
            out.add(chunk(ChunkChoice.finish(0, OllamaAdapter.finishReason(line.doneReason(), toolCallCount > 0))));
            out.add(ChatChunk.usage(id, created, model, OllamaAdapter.usage(line)));
        }
        return out;
    }

    @Override
    public boolean done() {
        return done;
    }

    @Override
    public List<ChatChunk> finish() {
        if (!done) throw new GatewayException.ConnectionFailed("the Ollama stream ended before its final 'done' line", null);
        return List.of();
    }

    private ChatChunk chunk(ChunkChoice choice) {
        return ChatChunk.of(id, created, model, choice);
    }
}
