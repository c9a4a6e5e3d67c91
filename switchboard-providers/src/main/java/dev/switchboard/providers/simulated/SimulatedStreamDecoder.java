package dev.switchboard.providers.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.util.List;

/** OpenAI-format SSE ({@code data: {chunk}} … {@code data: [DONE]}) from the simulated server → canonical chunks. */
final class SimulatedStreamDecoder implements StreamDecoder {
    private boolean done;

    @Override
    public List<ChatChunk> decode(Frame frame) {
        String data = frame.data();
        if (data.equals("[DONE]")) {
            done = true;
            return List.of();
        }
        JsonNode node = Json.parseUpstream(data, "simulated");
        if (node.has("error")) {
            int status = node.path("error").path("status").asInt(500);
            throw SimulatedErrors.map(status, WireHeaders.EMPTY, Json.bytes(node));
        }
        return List.of(OpenAiCodec.parseChunk(node));
    }

    @Override
    public boolean done() {
        return done;
    }

    @Override
    public List<ChatChunk> finish() {
        if (!done) throw new GatewayException.ConnectionFailed("the simulated stream ended before 'data: [DONE]'", null);
        return List.of();
    }
}
