package dev.switchboard.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.SseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events by hand: SDKs don't send {@code Accept: text/event-stream}. One per stream; closing it gives
 * back the JSON generator its events share (a generator per event cost ~450 bytes each), not the response stream.
 */
final class SseWriter implements AutoCloseable {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NL = "\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private JsonGenerator json;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    /** The stream's generator, made at its first JSON event; values follow each other with nothing between them. */
    private JsonGenerator json() {
        if (json == null) {
            json = Json.generator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT); // never finish a cut event
            json.setRootValueSeparator(null);
        }
        return json;
    }

    /** Writes a data event and flushes it (a stream's last: its error). */
    void data(JsonNode json) throws IOException {
        write(json);
        out.flush();
    }

    /** Writes a chunk event without flushing, its JSON generated straight into the response. */
    void write(ChatChunk chunk, JsonNode extension) throws IOException {
        out.write(DATA);
        JsonGenerator g = json();
        OpenAiCodec.writeChunk(chunk, extension, g);
        g.flush(); // into the response stream, ahead of the bytes written to it directly; it does not flush that
        out.write(END);
    }

    /**
     * Writes a named event without flushing, its JSON generated straight into the response: the caller flushes once no
     * further event is at hand.
     */
    void writeEvent(SseEvent event) throws IOException {
        out.write(EVENT);
        out.write(event.name().getBytes(StandardCharsets.UTF_8));
        out.write(NL);
        write(event.data());
    }

    /** Writes a data event without flushing, its JSON generated straight into the response. */
    void write(JsonNode data) throws IOException {
        out.write(DATA);
        JsonGenerator g = json();
        g.writeTree(data);
        g.flush();
        out.write(END);
    }

    void flush() throws IOException {
        out.flush();
    }

    void done() throws IOException {
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (json != null) json.close();
    }
}
