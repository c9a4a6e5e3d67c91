package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.SseEvent;
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
        try (SseWriter sse = new SseWriter(out)) {
            sse.write(chunk("Hel"), null);
            sse.write(chunk("lo"), Json.object().put("part", 1));
            assertThat(out.flushes).isZero();
            sse.flush();
            assertThat(out.flushes).isEqualTo(1);
        }

        String[] events = out.toString(StandardCharsets.UTF_8).split("\n\n");
        assertThat(events).hasSize(2);
        assertThat(events[0]).startsWith("data: {");
        assertThat(Json.parseBody(events[0].substring(6).getBytes(StandardCharsets.UTF_8)).at("/choices/0/delta/content").asText())
                .isEqualTo("Hel");
        assertThat(Json.parseBody(events[1].substring(6).getBytes(StandardCharsets.UTF_8)).at("/switchboard/part").asInt())
                .isEqualTo(1);
    }

    @Test
    void eventsOfAllKindsFollowEachOtherExactlyThroughTheOneGeneratorTheyShare() throws IOException {
        CountingStream out = new CountingStream();
        try (SseWriter sse = new SseWriter(out)) {
            sse.writeEvent(new SseEvent("response.created", Json.object().put("type", "response.created")));
            sse.write(chunk("Hi"), null);
            sse.write(Json.object().put("raw", true));
            sse.writeEvent(new SseEvent("response.completed", Json.object().put("type", "response.completed").put("n", 2)));
            sse.done();
        }
        String written = out.toString(StandardCharsets.UTF_8);
        String chunkJson = Json.text(Json.parseBody(written.split("\n\n")[1].substring(6).getBytes(StandardCharsets.UTF_8)));
        assertThat(written).isEqualTo("event: response.created\ndata: {\"type\":\"response.created\"}\n\n"
                + "data: " + chunkJson + "\n\n"
                + "data: {\"raw\":true}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"n\":2}\n\n"
                + "data: [DONE]\n\n");
        assertThat(out.flushes).isEqualTo(1);
    }
}
