package dev.switchboard.core.stages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.ProviderRegistry;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderAdapter;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.Transport;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.spi.WireStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An embeddings answer is parsed as it arrives only by an adapter that can; any other adapter's answer is read whole,
 * under the bounds of every answer read whole (the transport's {@code send}).
 */
class ProviderCallStageEmbeddingsTest {
    private static final byte[] ANSWER = "[0.5]".getBytes();

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void embeddingsAreReadAsTheyArriveOnlyWhereTheAdapterParsesThemSo(boolean asTheyArrive) {
        List<String> calls = new ArrayList<>();
        Transport transport = new Transport() {
            @Override
            public WireResponse send(WireRequest request, Timeouts timeouts) {
                calls.add("send");
                return new WireResponse(200, WireHeaders.EMPTY, ANSWER);
            }

            @Override
            public <T> T receive(WireRequest request, Timeouts timeouts, AnswerReader<T> reader) {
                calls.add("receive");
                try {
                    return reader.read(200, WireHeaders.EMPTY, new ByteArrayInputStream(ANSWER));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public WireStream open(WireRequest request, Timeouts timeouts) {
                throw new UnsupportedOperationException();
            }
        };
        Deployment target = new Deployment("emb#0", "emb", "stub", "emb-upstream", Optional.of(URI.create("http://upstream.test")),
                Optional.empty(), Map.of(), JsonNodeFactory.instance.objectNode(), OptionalInt.empty(), OptionalInt.empty(), 1,
                Timeouts.DEFAULT, new ModelInfo(OptionalInt.empty(), Optional.empty(), Set.of(), 8192, 0, Prices.FREE,
                        "embedding", Optional.empty()));
        var stage = new ProviderCallStage(new ProviderRegistry(Map.of("stub", new Provider(new Adapter(asTheyArrive), transport)),
                transport), Ticker.SYSTEM);
        Exchange exchange = Exchange.of("req-1", EmbeddingRequest.of("emb", List.of("hello")), Credentials.IN_PROCESS,
                System.nanoTime(), System.nanoTime() + 60_000_000_000L).withTarget(target);

        Reply reply = stage.apply(exchange, e -> {
            throw new AssertionError("the provider call is the last stage");
        });

        assertThat(((Reply.Embeddings) reply).response().vectors()).singleElement()
                .satisfies(v -> assertThat(v).containsExactly(asTheyArrive ? 2f : 1f));
        assertThat(calls).containsExactly(asTheyArrive ? "receive" : "send");
    }

    /** Tells which way the answer came: a vector of 1 read whole, of 2 parsed as it arrived. */
    private record Adapter(boolean asTheyArrive) implements ProviderAdapter {
        @Override
        public String id() {
            return "stub";
        }

        @Override
        public WireRequest toWire(ChatRequest request, Deployment target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChatResponse fromWire(WireResponse response, ChatRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StreamDecoder newStreamDecoder(ChatRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public GatewayException mapError(int status, WireHeaders headers, byte[] body) {
            return new GatewayException.UpstreamError("upstream answered " + status, 502, null);
        }

        @Override
        public WireRequest toWire(EmbeddingRequest request, Deployment target) {
            return WireRequest.post(URI.create("http://upstream.test/embed"), WireHeaders.EMPTY, new byte[0]);
        }

        @Override
        public EmbeddingResponse embeddingsFromWire(WireResponse response, EmbeddingRequest request) {
            return new EmbeddingResponse("emb", List.of(new float[] {1f}), Usage.of(1, 0));
        }

        @Override
        public boolean parsesEmbeddingsAsTheyArrive() {
            return asTheyArrive;
        }

        @Override
        public EmbeddingResponse embeddingsFromBody(int status, WireHeaders headers, InputStream body, EmbeddingRequest request) {
            return new EmbeddingResponse("emb", List.of(new float[] {2f}), Usage.of(1, 0));
        }
    }
}
