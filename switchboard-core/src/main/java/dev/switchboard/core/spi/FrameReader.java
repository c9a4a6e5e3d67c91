package dev.switchboard.core.spi;

import dev.switchboard.core.config.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads frames from a streamed body: SSE events (RFC: lines, {@code event:}/{@code data:} fields,
 * comments ignored, blank line dispatches) or NDJSON lines. Blocking; one per stream.
 *
 * <p>Lines are scanned as bytes and a frame's data is decoded once, when it is complete: a streamed answer
 * has a frame per token or two, so a string per line, per field and per value was most of what a stream
 * allocated. Decoding whole frames also keeps a UTF-8 character split across two reads intact.
 *
 * <p>A frame is held in memory whole, so its size is bounded: a line or an event's data past {@code maxFrameBytes}
 * (an upstream that never ends a line, by fault or malice) ends the read with {@link FrameTooLarge} instead of taking
 * the heap.
 */
public final class FrameReader {
    /** A frame, or one line of it, grew past the reader's bound. */
    public static final class FrameTooLarge extends IOException {
        FrameTooLarge(int maxFrameBytes) {
            super("a stream event or line over " + maxFrameBytes + " bytes");
        }
    }

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final Framing framing;
    private final int maxFrameBytes;
    private final byte[] buffer = new byte[4096];
    private int pos;
    private int limit;
    /** The line just read: {@code line[lineStart, lineEnd)}, in {@link #buffer} or, when it spans reads, in {@link #spill}. */
    private byte[] line;
    private int lineStart;
    private int lineEnd;
    private byte[] spill = new byte[256];
    /** The data of the event being read, its lines joined by LF. */
    private byte[] data = new byte[512];
    private int dataLength;

    public FrameReader(InputStream in, Framing framing) {
        this(in, framing, ServerSettings.DEFAULT_MAX_EVENT_BYTES);
    }

    public FrameReader(InputStream in, Framing framing, int maxFrameBytes) {
        if (framing == Framing.AWS_EVENT_STREAM) throw new IllegalArgumentException("binary framing needs its own reader");
        if (maxFrameBytes < 1) throw new IllegalArgumentException("maxFrameBytes must be >= 1");
        this.in = in;
        this.framing = framing;
        this.maxFrameBytes = maxFrameBytes;
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
        while (readLine()) {
            if (!blank()) return Optional.of(Frame.data(new String(line, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    private Optional<Frame> nextEvent() throws IOException {
        String event = null;
        boolean hasData = false;
        dataLength = 0;
        while (readLine()) {
            if (lineEnd == lineStart) {
                if (hasData) return Optional.of(new Frame(Optional.ofNullable(event), dataText()));
                event = null;
                continue;
            }
            if (line[lineStart] == ':') continue; // comment / keep-alive
            int colon = indexOf(':');
            int fieldEnd = colon < 0 ? lineEnd : colon;
            int valueStart = colon < 0 ? lineEnd : colon + 1;
            if (valueStart < lineEnd && line[valueStart] == ' ') valueStart++;
            if (fieldIs(DATA, fieldEnd)) {
                if (hasData) appendData((byte) '\n');
                appendData(line, valueStart, lineEnd - valueStart);
                hasData = true;
            } else if (fieldIs(EVENT, fieldEnd)) {
                event = new String(line, valueStart, lineEnd - valueStart, StandardCharsets.UTF_8);
            } // id, retry: not used by LLM providers
        }
        // Body ended without a blank line after the last event: still deliver it.
        return hasData ? Optional.of(new Frame(Optional.ofNullable(event), dataText())) : Optional.empty();
    }

    /**
     * Reads one line without its terminator (LF, CRLF or CR) into {@link #line}; false at the end of input.
     * A line inside the buffer is not copied.
     */
    private boolean readLine() throws IOException {
        int spilled = 0;
        while (true) {
            if (pos >= limit && !fill()) {
                if (spilled == 0) return false;
                setLine(spill, 0, spilled);
                return true;
            }
            int start = pos;
            while (pos < limit) {
                byte b = buffer[pos];
                if (b == '\n' || b == '\r') {
                    int end = pos++;
                    boolean refills = b == '\r' && pos >= limit; // looking for the LF of a CRLF overwrites the buffer
                    if (spilled == 0 && !refills) {
                        if (b == '\r') skipLf();
                        setLine(buffer, start, end);
                    } else {
                        spilled = spill(spilled, start, end - start);
                        if (b == '\r') skipLf();
                        setLine(spill, 0, spilled);
                    }
                    return true;
                }
                pos++;
            }
            spilled = spill(spilled, start, pos - start);
        }
    }

    /** Refills the buffer; false at the end of input. */
    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        pos = 0;
        limit = Math.max(0, n);
        return n > 0;
    }

    private void skipLf() throws IOException {
        if (pos >= limit && !fill()) return;
        if (buffer[pos] == '\n') pos++;
    }

    private int spill(int spilled, int from, int length) throws FrameTooLarge {
        if (spilled + length > maxFrameBytes) throw new FrameTooLarge(maxFrameBytes);
        if (spilled + length > spill.length) spill = Arrays.copyOf(spill, grown(spill.length, spilled + length));
        System.arraycopy(buffer, from, spill, spilled, length);
        return spilled + length;
    }

    /** Doubled, but never past the bound (the callers have checked {@code needed} against it). */
    private int grown(int length, int needed) {
        return Math.min(maxFrameBytes, Math.max(length * 2, needed));
    }

    private void setLine(byte[] bytes, int start, int end) throws FrameTooLarge {
        if (end - start > maxFrameBytes) throw new FrameTooLarge(maxFrameBytes); // a line that fit in one read
        line = bytes;
        lineStart = start;
        lineEnd = end;
    }

    private int indexOf(char c) {
        for (int i = lineStart; i < lineEnd; i++) if (line[i] == c) return i;
        return -1;
    }

    private boolean fieldIs(byte[] name, int fieldEnd) {
        return fieldEnd - lineStart == name.length && Arrays.equals(line, lineStart, fieldEnd, name, 0, name.length);
    }

    private boolean blank() {
        for (int i = lineStart; i < lineEnd; i++) if (!Character.isWhitespace(line[i])) return false;
        return true;
    }

    private void appendData(byte b) throws FrameTooLarge {
        if (dataLength + 1 > maxFrameBytes) throw new FrameTooLarge(maxFrameBytes);
        if (dataLength == data.length) data = Arrays.copyOf(data, grown(data.length, dataLength + 1));
        data[dataLength++] = b;
    }

    private void appendData(byte[] bytes, int from, int length) throws FrameTooLarge {
        if (dataLength + length > maxFrameBytes) throw new FrameTooLarge(maxFrameBytes);
        if (dataLength + length > data.length) data = Arrays.copyOf(data, grown(data.length, dataLength + length));
        System.arraycopy(bytes, from, data, dataLength, length);
        dataLength += length;
    }

    private String dataText() {
        return new String(data, 0, dataLength, StandardCharsets.UTF_8);
    }
}
