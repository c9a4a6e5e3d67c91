package dev.switchboard.core.spi;

import dev.switchboard.core.model.ChatChunk;
import java.util.List;

/**
 * Turns one provider stream's frames into canonical chunks. One instance per stream; it may keep state
 * (tool-call indexes, the message id, usage seen so far). Pure: no I/O.
 */
public interface StreamDecoder {
    /**
     * Decodes one frame; may return no chunk (keep-alives, pings) or several.
     *
     * @throws dev.switchboard.core.GatewayException when the frame is an error event from the upstream
     */
    List<ChatChunk> decode(Frame frame);

    /** True once the provider's end-of-stream marker has been seen. */
    boolean done();

    /**
     * Called when the body ended; returns any chunks still owed (e.g. a final usage chunk). A decoder that
     * has not seen its end marker may decide the stream was truncated and throw.
     */
    default List<ChatChunk> finish() {
        return List.of();
    }
}
