package dev.switchboard.core.spi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads frames from a streamed body: SSE events (RFC: lines, {@code event:}/{@code data:} fields,
 * comments ignored, blank line dispatches) or NDJSON lines. Blocking; one per stream.
 */
public final class FrameReader {
    private final InputStream in;
    private final Framing framing;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    public FrameReader(InputStream in, Framing framing) {
        if (framing == Framing.AWS_EVENT_STREAM) throw new IllegalArgumentException("binary framing needs its own reader");
        this.in = in;
        this.framing = framing;
    }

    /** True when bytes already read from the body are waiting to be framed (the next frame may need no I/O). */
    public boolean buffered() {
        return pos < limit;
    }

    /** The next frame, or empty at the end of the body. */
    public Optional<Frame> next() throws IOException {
        return framing == Framing.NDJSON ? nextLine() : nextEvent();
    }

    private Optional<Frame> nextLine() throws IOException {
        String l;
        while ((l = readLine()) != null) {
            if (!l.isBlank()) return Optional.of(Frame.data(l));
        }
        return Optional.empty();
    }

    private Optional<Frame> nextEvent() throws IOException {
        String event = null;
        StringBuilder data = null;
        String l;
        while ((l = readLine()) != null) {
            if (l.isEmpty()) {
                if (data != null) return Optional.of(new Frame(Optional.ofNullable(event), data.toString()));
                event = null;
                continue;
            }
            if (l.charAt(0) == ':') continue; // comment / keep-alive
            int colon = l.indexOf(':');
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "data" -> {
                    if (data == null) data = new StringBuilder(value.length());
                    else data.append('\n');
                    data.append(value);
                }
                case "event" -> event = value;
                default -> { /* id, retry: not used by LLM providers */ }
            }
        }
        // Body ended without a blank line after the last event: still deliver it.
        return data == null ? Optional.empty() : Optional.of(new Frame(Optional.ofNullable(event), data.toString()));
    }

    /** One line without its terminator (LF, CRLF or CR), or null at end of input. */
    private String readLine() throws IOException {
        line.reset();
        while (true) {
            if (pos >= limit) {
                limit = in.read(buffer, 0, buffer.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            int start = pos;
            while (pos < limit) {
                byte b = buffer[pos];
                if (b == '\n' || b == '\r') {
                    line.write(buffer, start, pos - start);
                    pos++;
                    if (b == '\r') skipLf();
                    return line.toString(StandardCharsets.UTF_8);
                }
                pos++;
            }
            line.write(buffer, start, pos - start);
        }
    }

    private void skipLf() throws IOException {
        if (pos >= limit) {
            limit = in.read(buffer, 0, buffer.length);
            pos = 0;
            if (limit <= 0) {
                limit = 0;
                return;
            }
        }
        if (buffer[pos] == '\n') pos++;
    }
}
