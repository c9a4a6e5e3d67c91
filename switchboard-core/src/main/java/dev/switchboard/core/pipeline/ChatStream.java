package dev.switchboard.core.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A streamed answer, pulled chunk by chunk on a virtual thread. {@link #next()} blocks; it returns
 * empty at a clean end and throws a {@link dev.switchboard.core.GatewayException} when the stream
 * failed (the ingress then ends the client's stream with an explicit error event). Closing it early
 * cancels the upstream call; the SDK's streams refuse reads once closed ({@link #refusingReadsOnceClosed()}).
 */
public interface ChatStream extends AutoCloseable {
    Optional<ChatChunk> next();

    @Override
    void close();

    /**
     * Gateway-specific fields for the wire chunk last returned by {@link #next()} (e.g. which part of a
     * decomposed answer it belongs to); the OpenAI ingress writes them as a {@code switchboard} field,
     * which SDKs ignore. Empty for plain streams.
     */
    default Optional<ObjectNode> extension() {
        return Optional.empty();
    }

    /**
     * True when {@link #next()} can answer without waiting on the network. Writers use it to coalesce:
     * flush only when the next chunk is not at hand. False is always safe.
     */
    default boolean ready() {
        return false;
    }

    static ChatStream of(List<ChatChunk> chunks) {
        Deque<ChatChunk> queue = new ArrayDeque<>(chunks);
        return new ChatStream() {
            @Override
            public Optional<ChatChunk> next() {
                return Optional.ofNullable(queue.poll());
            }

            @Override
            public boolean ready() {
                return true;
            }

            @Override
            public void close() {
                queue.clear();
            }
        };
    }

    /** This stream with every chunk rewritten by {@code f}. */
    default ChatStream map(UnaryOperator<ChatChunk> f) {
        return new Forwarding(this) {
            @Override
            public Optional<ChatChunk> next() {
                return inner.next().map(f);
            }
        };
    }

    /**
     * This stream, refusing reads once closed with an {@link IllegalStateException}, as a closed
     * {@link dev.switchboard.core.Switchboard} refuses calls: without it a read after {@link #close()} reached the
     * closed upstream body and failed as a broken connection, the provider's fault in the caller's eyes. A read that
     * was blocked when another thread closed the stream ends the same way.
     */
    default ChatStream refusingReadsOnceClosed() {
        return new Forwarding(this) {
            private volatile boolean closed;

            @Override
            public Optional<ChatChunk> next() {
                if (closed) throw new IllegalStateException("this stream is closed");
                try {
                    return inner.next();
                } catch (RuntimeException e) {
                    if (closed) throw new IllegalStateException("this stream was closed while it was read", e);
                    throw e;
                }
            }

            @Override
            public boolean ready() {
                return !closed && inner.ready();
            }

            @Override
            public void close() {
                closed = true;
                inner.close();
            }
        };
    }

    /**
     * This stream, calling {@code onEnd} exactly once when it ends (null), fails (the error) or is closed before its end
     * ({@link GatewayException.ClientClosed}).
     */
    default ChatStream onEnd(Consumer<Throwable> onEnd) {
        return new Forwarding(this) {
            private boolean ended;

            @Override
            public Optional<ChatChunk> next() {
                try {
                    Optional<ChatChunk> c = inner.next();
                    if (c.isEmpty()) end(null);
                    return c;
                } catch (RuntimeException e) {
                    end(e);
                    throw e;
                }
            }

            @Override
            public void close() {
                try {
                    inner.close();
                } finally {
                    if (!ended) end(new GatewayException.ClientClosed()); // closed before its end: the reader gave up
                }
            }

            private void end(Throwable t) {
                if (!ended) {
                    ended = true;
                    onEnd.accept(t);
                }
            }
        };
    }

    /** A stream that passes every call on to {@link #inner}: a wrapper overrides only what it changes. */
    abstract class Forwarding implements ChatStream {
        protected final ChatStream inner;

        protected Forwarding(ChatStream inner) {
            this.inner = inner;
        }

        @Override
        public Optional<ChatChunk> next() {
            return inner.next();
        }

        @Override
        public Optional<ObjectNode> extension() {
            return inner.extension();
        }

        @Override
        public boolean ready() {
            return inner.ready();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
