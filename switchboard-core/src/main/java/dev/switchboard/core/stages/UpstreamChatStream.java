package dev.switchboard.core.stages;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.FrameReader;
import dev.switchboard.core.spi.ProviderAdapter;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/** Reads an upstream body frame by frame and decodes it into canonical chunks. */
final class UpstreamChatStream implements ChatStream {
    private final WireStream wire;
    private final FrameReader frames;
    private final StreamDecoder decoder;
    private final String provider;
    private final ArrayDeque<ChatChunk> pending = new ArrayDeque<>();
    private boolean finished;

    UpstreamChatStream(WireStream wire, ProviderAdapter adapter, ChatRequest request, int maxEventBytes) {
        this.wire = wire;
        this.frames = new FrameReader(wire.body(), adapter.framing(), maxEventBytes);
        this.decoder = adapter.newStreamDecoder(request);
        this.provider = adapter.id();
    }

    @Override
    public Optional<ChatChunk> next() {
        while (pending.isEmpty()) {
            if (finished) return Optional.empty();
            Optional<Frame> frame;
            try {
                frame = decoder.done() ? Optional.empty() : frames.next();
            } catch (FrameReader.FrameTooLarge e) {
                close();
                throw new GatewayException.UpstreamError(provider + " sent " + e.getMessage()
                        + " (switchboard.upstream.max-event-bytes)", 502, null);
            } catch (InterruptedIOException e) {
                close();
                throw new GatewayException.UpstreamTimeout("the upstream stream stalled: " + e.getMessage());
            } catch (IOException e) {
                close();
                throw new GatewayException.ConnectionFailed("the upstream stream broke: " + e.getMessage(), e);
            }
            if (frame.isEmpty()) {
                finished = true;
                pending.addAll(decoder.finish());
                close();
            } else {
                pending.addAll(decode(frame.get()));
            }
        }
        return Optional.of(pending.poll());
    }

    /**
     * A frame's chunks. A decoder that trips over an event it did not expect (a field missing that the grammar
     * requires) was handed garbage by the upstream: the client gets that as an upstream error, not an internal one.
     */
    private List<ChatChunk> decode(Frame frame) {
        try {
            return decoder.decode(frame);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            close();
            String data = frame.data();
            throw new GatewayException.UpstreamError(provider + " sent a stream event the gateway could not read: "
                    + (data.length() > 200 ? data.substring(0, 200) + "…" : data), 502, null);
        }
    }

    @Override
    public boolean ready() {
        if (!pending.isEmpty() || finished || frames.buffered()) return true;
        try {
            return wire.body().available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        wire.close();
    }
}
