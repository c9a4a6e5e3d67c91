package dev.switchboard.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ChatStreamTest {
    /** An upstream body that blocks a read until closed, then fails it as a broken connection (as a real one does). */
    private static final class BlockingUpstream implements ChatStream {
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public Optional<ChatChunk> next() {
            reading.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new GatewayException.ConnectionFailed("the upstream stream broke: the stream was closed", null);
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void aReadBlockedWhenAnotherThreadClosesTheStreamEndsAsAClosedStreamNotAnUpstreamFailure() throws Exception {
        BlockingUpstream upstream = new BlockingUpstream();
        ChatStream stream = upstream.refusingReadsOnceClosed();
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                upstream.reading.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stream.close();
        });
        assertThatThrownBy(stream::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed")
                .hasCauseInstanceOf(GatewayException.ConnectionFailed.class);
        closer.join();
        assertThat(stream.ready()).isFalse();
        assertThatThrownBy(stream::next).isInstanceOf(IllegalStateException.class).hasMessage("this stream is closed");
    }

    @Test
    void anOpenStreamsFailureIsPassedOnAsItIs() {
        ChatStream failing = new ChatStream() {
            @Override
            public Optional<ChatChunk> next() {
                throw new GatewayException.ConnectionFailed("reset by peer", null);
            }

            @Override
            public void close() {}
        }.refusingReadsOnceClosed();
        assertThatThrownBy(failing::next).isInstanceOf(GatewayException.ConnectionFailed.class);
    }
}
