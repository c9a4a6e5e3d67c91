package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The watch's three outcomes for one request head, on a connection whose writes are recorded. */
class HeaderReadWatchTest {
    private static final Duration TIMEOUT = Duration.ofMillis(50);
    private static final HttpPrologue PROLOGUE =
            HttpPrologue.create("HTTP/1.1", "HTTP", "1.1", Method.POST, "/v1/chat/completions", false);

    private final List<String> written = new CopyOnWriteArrayList<>();
    private final ConnectionContext ctx = connectionRecordingWritesTo(written);

    @Test
    void headersThatArriveInTimeEndTheWatch() throws Exception {
        try (HeaderReadWatch watch = new HeaderReadWatch(TIMEOUT)) {
            watch.prologue(ctx, PROLOGUE);
            watch.headers(ctx, headers());
            Thread.sleep(TIMEOUT.toMillis() * 4);
            assertThat(written).isEmpty();
            assertThat(Thread.interrupted()).isFalse();
        }
    }

    @Test
    void headersStillMissingAtTheTimeoutGetA408AndTheReadingThreadIsInterrupted() throws Exception {
        try (HeaderReadWatch watch = new HeaderReadWatch(TIMEOUT)) {
            watch.prologue(ctx, PROLOGUE);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (written.isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(written).singleElement().asString().startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .contains("Connection: close").contains("\"type\":\"invalid_request_error\"")
                    .contains("switchboard.server.header-timeout");
            // The interrupt reaches the thread that was reading.
            deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(Thread.interrupted()).isTrue();
        }
    }

    /** Headers that come while the sweep is answering find its claim and end the connection instead of being served. */
    @Test
    void headersThatComeAsTheTimeoutIsAnsweredAreRefused() throws Exception {
        ConnectionContext slow = connectionWith(buffer -> {
            written.add("408");
            try {
                Thread.sleep(TIMEOUT.toMillis() * 4); // the sweep is still answering when the headers come
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (HeaderReadWatch watch = new HeaderReadWatch(TIMEOUT)) {
            watch.prologue(slow, PROLOGUE);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (written.isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThatThrownBy(() -> watch.headers(slow, headers())).isInstanceOf(CloseConnectionException.class);
            // The sweep's interrupt, once its answer is written, is for this (the reading) thread: take it here.
            deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(Thread.interrupted()).isTrue();
        }
    }

    /** A head the server refuses itself (too large, no Host) is answered without headers: that answer ends the watch. */
    @Test
    void anAnswerToARefusedHeadEndsTheWatch() throws Exception {
        try (HeaderReadWatch watch = new HeaderReadWatch(TIMEOUT)) {
            watch.prologue(ctx, PROLOGUE);
            watch.status(ctx, Status.BAD_REQUEST_400);
            Thread.sleep(TIMEOUT.toMillis() * 4);
            assertThat(written).isEmpty();
            assertThat(Thread.interrupted()).isFalse();
        }
    }

    private static ServerRequestHeaders headers() {
        return ServerRequestHeaders.create(WritableHeaders.create());
    }

    private static ConnectionContext connectionRecordingWritesTo(List<String> written) {
        return connectionWith(buffer -> written.add(buffer.readString(buffer.available(), StandardCharsets.UTF_8)));
    }

    /** Only {@code dataWriter()} is used by the watch; every other method of the context is left unanswered. */
    private static ConnectionContext connectionWith(java.util.function.Consumer<BufferData> onWrite) {
        DataWriter writer = new DataWriter() {
            @Override
            public void write(BufferData... buffers) {
                for (BufferData b : buffers) write(b);
            }

            @Override
            public void write(BufferData buffer) {
                onWrite.accept(buffer);
            }

            @Override
            public void writeNow(BufferData... buffers) {
                write(buffers);
            }

            @Override
            public void writeNow(BufferData buffer) {
                write(buffer);
            }
        };
        return (ConnectionContext) Proxy.newProxyInstance(HeaderReadWatchTest.class.getClassLoader(),
                new Class<?>[] {ConnectionContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "dataWriter" -> writer;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test connection";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
