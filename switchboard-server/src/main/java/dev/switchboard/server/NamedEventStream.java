package dev.switchboard.server;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.wire.SseEvent;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A streamed answer in a named-event grammar (Anthropic's Messages, OpenAI's Responses), for {@link Gate#stream}: the
 * first chunk is read before the response head goes out, so a failure before any content still gets its own status
 * and error object; a failure after that ends the stream with the grammar's error event and none of its closing
 * events, so it never looks complete. The first events go out at once (no first-chunk delay); later ones already at
 * hand share a write. One instance per stream.
 */
final class NamedEventStream implements Gate.StreamDialect {
    private final SseEvent.Encoder encoder;
    private final Runnable onComplete;

    /** @param onComplete runs once the whole answer was written, closing events included */
    NamedEventStream(SseEvent.Encoder encoder, Runnable onComplete) {
        this.encoder = encoder;
        this.onComplete = onComplete;
    }

    @Override
    public void respond(ServerResponse res, Reply reply) {
        try (ChatStream s = Gate.chunks(reply)) {
            Optional<ChatChunk> first = s.next();
            HttpIo.startSse(res);
            try (var out = HttpIo.responseStream(res); var sse = new SseWriter(out)) {
                write(sse, s, first);
            } catch (IOException e) {
                // The client went away; closing the stream cancels the upstream call.
            }
        }
    }

    @Override
    public void events(SseWriter sse, Reply reply) throws IOException {
        try (ChatStream s = Gate.chunks(reply)) {
            Optional<ChatChunk> first;
            try {
                first = s.next();
            } catch (GatewayException e) {
                error(sse, e);
                return;
            }
            write(sse, s, first);
        }
    }

    @Override
    public void error(SseWriter sse, GatewayException e) throws IOException {
        write(sse, List.of(encoder.error(e)));
        sse.flush();
    }

    private void write(SseWriter sse, ChatStream s, Optional<ChatChunk> first) throws IOException {
        try {
            Optional<ChatChunk> next = first;
            boolean flush = true;
            while (next.isPresent()) {
                write(sse, encoder.encode(next.get()));
                if (flush || !s.ready()) sse.flush();
                flush = false;
                next = s.next();
            }
            write(sse, encoder.finish());
            sse.flush();
        } catch (GatewayException e) {
            error(sse, e);
            return;
        }
        onComplete.run();
    }

    private static void write(SseWriter sse, List<SseEvent> events) throws IOException {
        for (SseEvent e : events) sse.writeEvent(e);
    }
}
