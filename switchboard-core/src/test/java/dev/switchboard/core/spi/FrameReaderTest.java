package dev.switchboard.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    private static List<Frame> read(String body, Framing framing, int chunkSize) throws IOException {
        return readBounded(body, framing, chunkSize, dev.switchboard.core.config.ServerSettings.DEFAULT_MAX_EVENT_BYTES);
    }

    @Test
    void readsSseEventsWithNamesCommentsAndMultiLineData() throws IOException {
        String body = ": keep-alive\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: line1\ndata: line2\r\n\r\ndata: [DONE]\n\n";
        for (int chunk : new int[] {1, 3, 7, 4096}) {
            List<Frame> frames = read(body, Framing.SSE, chunk);
            assertThat(frames).containsExactly(
                    new Frame(Optional.of("message_start"), "{\"a\":1}"),
                    Frame.data("line1\nline2"),
                    Frame.data("[DONE]"));
        }
    }

    @Test
    void deliversALastEventThatLacksTheBlankLine() throws IOException {
        assertThat(read("data: {\"x\":1}\n", Framing.SSE, 5)).containsExactly(Frame.data("{\"x\":1}"));
    }

    @Test
    void readsNdjsonLinesSkippingBlankOnes() throws IOException {
        assertThat(read("{\"a\":1}\n\n{\"b\":\"ü\"}", Framing.NDJSON, 2))
                .containsExactly(Frame.data("{\"a\":1}"), Frame.data("{\"b\":\"ü\"}"));
    }

    @Test
    void keepsMultiByteCharactersSplitAcrossReadsAndCrlfSplitAcrossReads() throws IOException {
        String body = "data: {\"t\":\"héllo 😀 日本\"}\r\n\r\ndata: second\r\n\r\n";
        for (int chunk = 1; chunk <= 9; chunk++) {
            assertThat(read(body, Framing.SSE, chunk)).as("chunk %d", chunk)
                    .containsExactly(Frame.data("{\"t\":\"héllo 😀 日本\"}"), Frame.data("second"));
        }
    }

    @Test
    void readsLinesLongerThanItsBuffers() throws IOException {
        String big = "x".repeat(10_000) + "é";
        for (int chunk : new int[] {1, 255, 4095, 4096, 5000, 20_000}) {
            assertThat(read("data: " + big + "\n\n" + "data: " + big + "\n", Framing.SSE, chunk)).as("chunk %d", chunk)
                    .containsExactly(Frame.data(big), Frame.data(big));
            assertThat(read(big + "\r\n" + big, Framing.NDJSON, chunk)).as("chunk %d", chunk)
                    .containsExactly(Frame.data(big), Frame.data(big));
        }
    }

    @Test
    void followsTheSseFieldRules() throws IOException {
        // No space after the colon, two spaces (only one is stripped), a bare field name, unknown fields,
        // and an event with a name but no data, which dispatches nothing.
        String body = "data:tight\n\ndata:  loose\n\ndata\n\nid: 7\nretry: 10\ndata: kept\n\nevent: ping\n\ndata: last\n\n";
        for (int chunk : new int[] {1, 2, 4096}) {
            assertThat(read(body, Framing.SSE, chunk)).containsExactly(Frame.data("tight"), Frame.data(" loose"),
                    Frame.data(""), Frame.data("kept"), Frame.data("last"));
        }
    }

    /**
     * A frame is bounded: an event's data, a line that never ends and a comment past the bound each end the read with
     * FrameTooLarge, however the bytes arrive; a line of exactly the bound is read.
     */
    @Test
    void aFramePastTheBoundEndsTheReadInsteadOfGrowingWithoutEnd() throws IOException {
        for (int chunk : new int[] {1, 7, 4096}) {
            assertThat(readBounded("data: " + "a".repeat(94) + "\n\n", Framing.SSE, chunk, 100))
                    .containsExactly(Frame.data("a".repeat(94)));
            assertThat(readBounded("{\"k\":\"" + "a".repeat(92) + "\"}\n", Framing.NDJSON, chunk, 100)).hasSize(1);
            for (String tooLarge : new String[] {
                    "data: " + "a".repeat(101) + "\n\n", // one data line (its line, spilled across reads, or its data)
                    "data: " + "a".repeat(60) + "\ndata: " + "a".repeat(60) + "\n\n", // lines that add up
                    "data: " + "a".repeat(10_000), // a line that never ends
                    ": " + "x".repeat(10_000) + "\n\ndata: ok\n\n"}) { // a comment is a line too
                assertThatThrownBy(() -> readBounded(tooLarge, Framing.SSE, chunk, 100)).as("chunk %d: %s", chunk,
                        tooLarge.substring(0, 20)).isInstanceOf(FrameReader.FrameTooLarge.class)
                        .hasMessage("a stream event or line over 100 bytes");
            }
            assertThatThrownBy(() -> readBounded("a".repeat(101) + "\n", Framing.NDJSON, chunk, 100))
                    .isInstanceOf(FrameReader.FrameTooLarge.class);
        }
    }

    private static List<Frame> readBounded(String body, Framing framing, int chunkSize, int maxFrameBytes) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunkSize)); // split frames across reads
            }
        };
        FrameReader reader = new FrameReader(in, framing, maxFrameBytes);
        List<Frame> frames = new ArrayList<>();
        Optional<Frame> f;
        while ((f = reader.next()).isPresent()) frames.add(f.get());
        return frames;
    }
}
