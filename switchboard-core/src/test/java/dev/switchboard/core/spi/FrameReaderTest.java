package dev.switchboard.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

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
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunkSize)); // split frames across reads
            }
        };
        FrameReader reader = new FrameReader(in, framing);
        List<Frame> frames = new ArrayList<>();
        Optional<Frame> f;
        while ((f = reader.next()).isPresent()) frames.add(f.get());
        return frames;
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
}
