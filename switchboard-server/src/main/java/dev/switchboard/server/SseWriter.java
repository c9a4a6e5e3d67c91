package dev.switchboard.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes server-sent events by hand: SDKs don't send {@code Accept: text/event-stream}. */
final class SseWriter {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NL = "\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    void data(byte[] json) throws IOException {
        write(json);
        out.flush();
    }

    /** Writes a chunk event without flushing, its JSON generated straight into the response. */
    void write(ChatChunk chunk, JsonNode extension) throws IOException {
        out.write(DATA);
        try (JsonGenerator g = Json.generator(out)) {
            OpenAiCodec.writeChunk(chunk, extension, g);
        }
        out.write(END);
    }

    /** Writes an event without flushing: the caller flushes once no further event is at hand. */
    void write(byte[] json) throws IOException {
        out.write(DATA);
        out.write(json);
        out.write(END);
    }

    void flush() throws IOException {
        out.flush();
    }

    void event(String name, byte[] json) throws IOException {
        writeEvent(name, json);
        out.flush();
    }

    /** Writes a named event without flushing: the caller flushes once no further event is at hand. */
    void writeEvent(String name, byte[] json) throws IOException {
        out.write(EVENT);
        out.write(name.getBytes(StandardCharsets.UTF_8));
        out.write(NL);
        write(json);
    }

    void done() throws IOException {
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
