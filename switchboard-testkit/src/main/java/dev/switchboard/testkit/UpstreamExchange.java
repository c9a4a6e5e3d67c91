package dev.switchboard.testkit;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Writes one answer of a {@link FakeUpstream}, applying the request's scripted faults. JSON bodies go out
 * whole; stream events are written one by one with a flush each, as real providers do.
 */
public final class UpstreamExchange {
    private final RecordedRequest request;
    private final ServerResponse response;
    private final List<Fault> faults;
    private final Responder responder;
    private final FakeUpstream upstream;
    /** The release this request arrived before: once counted down, none of its holds holds any more. */
    private final CountDownLatch release;

    UpstreamExchange(RecordedRequest request, ServerResponse response, List<Fault> faults, Responder responder,
            FakeUpstream upstream, CountDownLatch release) {
        this.request = request;
        this.response = response;
        this.faults = faults;
        this.responder = responder;
        this.upstream = upstream;
        this.release = release;
    }

    private void hold(Duration max) {
        upstream.hold(release, max);
    }

    private <F extends Fault> Optional<F> fault(Class<F> type) {
        return faults.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether the answer should leave its usage out ({@link Fault#omitUsage()}): a responder's to apply. */
    public boolean omitsUsage() {
        return fault(Fault.OmitUsage.class).isPresent();
    }

    /** A complete JSON answer. */
    public void json(int status, byte[] body) {
        String contentType = fault(Fault.WrongContentType.class).map(Fault.WrongContentType::contentType).orElse("application/json");
        byte[] out = fault(Fault.MalformedJson.class).isPresent() ? Arrays.copyOf(body, Math.max(1, body.length / 2)) : body;
        response.status(status);
        response.header("Content-Type", contentType);
        Optional<Fault.DelayFirstChunk> delay = fault(Fault.DelayFirstChunk.class);
        boolean stall = fault(Fault.StallAfter.class).isPresent();
        if (delay.isEmpty() && !stall && fault(Fault.Disconnect.class).isEmpty()) {
            response.send(out);
            return;
        }
        try (OutputStream stream = response.outputStream()) {
            stream.write(' '); // JSON allows leading whitespace: the head goes out now, the body is held back
            stream.flush();
            delay.ifPresent(d -> hold(d.delay()));
            if (stall) hold(FakeUpstream.STALL_LIMIT);
            if (fault(Fault.Disconnect.class).isPresent()) {
                stream.write(out, 0, out.length / 2);
                stream.flush();
                throw new CloseConnectionException("scripted disconnect in the body");
            }
            stream.write(out);
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            upstream.abandoned(request); // the client gave up while the body was held back
        }
    }

    /** An error in this provider's format. */
    public void error(int status, String message) {
        json(status, responder.errorBody(status, message));
    }

    /**
     * A streamed answer: each event already framed ({@code data: ...\n\n} for SSE, a line for NDJSON), then
     * the end marker, if the format has one.
     */
    public void stream(String contentType, List<byte[]> events, Optional<byte[]> endMarker) {
        response.status(200);
        response.header("Content-Type", fault(Fault.WrongContentType.class).map(Fault.WrongContentType::contentType).orElse(contentType));
        response.header("Cache-Control", "no-cache");
        int stallAt = fault(Fault.StallAfter.class).map(Fault.StallAfter::events).orElse(-1);
        int dropAt = fault(Fault.Disconnect.class).flatMap(Fault.Disconnect::afterEvents).orElse(-1);
        boolean malformed = fault(Fault.MalformedJson.class).isPresent();
        Optional<Fault.Paced> paced = fault(Fault.Paced.class);
        try (OutputStream out = response.outputStream()) {
            Optional<Fault.DelayFirstChunk> delay = fault(Fault.DelayFirstChunk.class);
            if (delay.isPresent() || stallAt == 0) {
                out.write(responder.keepAlive()); // the head goes out now; the first event is held back
                out.flush();
            }
            delay.ifPresent(d -> hold(d.delay()));
            for (int i = 0; i < events.size(); i++) {
                if (i == stallAt) hold(FakeUpstream.STALL_LIMIT);
                if (i == dropAt) throw new CloseConnectionException("scripted disconnect after " + i + " events");
                if (i > 0) paced.ifPresent(p -> hold(p.gap()));
                out.write(events.get(i));
                out.flush();
                if (malformed && i == 0) {
                    out.write(responder.malformedEvent());
                    out.flush();
                }
            }
            if (stallAt >= events.size()) hold(FakeUpstream.STALL_LIMIT);
            if (endMarker.isPresent() && fault(Fault.Truncate.class).isEmpty()) {
                out.write(endMarker.get());
                out.flush();
            }
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            // The client went away (it timed out on a stall, or cancelled): nothing left to write to.
            upstream.abandoned(request);
        }
    }
}
