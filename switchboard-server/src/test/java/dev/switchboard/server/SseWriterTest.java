package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseWriterTest {
    /** Counts flushes: each one is a write to the client's socket. */
    private static final class CountingStream extends ByteArrayOutputStream {
        int flushes;

        @Override
        public void flush() {
            flushes++;
        }
    }

    private static ChatChunk chunk(String text) {
        return new ChatChunk("c", 1, "m", List.of(new ChunkChoice(0, Optional.of(Role.ASSISTANT), Optional.of(text),
                Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty())), Optional.empty(), Optional.empty());
    }

    @Test
    void chunkEventsAreWrittenWithoutFlushingSoThoseAtHandShareOneWrite() throws IOException {
        CountingStream out = new CountingStream();
        SseWriter sse = new SseWriter(out);
        sse.write(chunk("Hel"), null);
        sse.write(chunk("lo"), Json.object().put("part", 1));
        assertThat(out.flushes).isZero();
        sse.flush();
        assertThat(out.flushes).isEqualTo(1);

        String[] events = out.toString(StandardCharsets.UTF_8).split("\n\n");
        assertThat(events).hasSize(2);
        assertThat(events[0]).startsWith("data: {");
        assertThat(Json.parseBody(events[0].substring(6).getBytes(StandardCharsets.UTF_8)).at("/choices/0/delta/content").asText())
                .isEqualTo("Hel");
        assertThat(Json.parseBody(events[1].substring(6).getBytes(StandardCharsets.UTF_8)).at("/switchboard/part").asInt())
                .isEqualTo(1);
    }
}
