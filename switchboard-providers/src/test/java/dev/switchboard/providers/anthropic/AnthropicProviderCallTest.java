package dev.switchboard.providers.anthropic;

import static dev.switchboard.providers.anthropic.AnthropicFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.ProviderRegistry;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.Transport;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.spi.WireStream;
import dev.switchboard.core.stages.ProviderCallStage;
import dev.switchboard.core.wire.AnthropicMessagesCodec;
import dev.switchboard.core.wire.AnthropicStreamEncoder;
import dev.switchboard.core.wire.SseEvent;
import dev.switchboard.core.wire.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic ingress codec and the anthropic provider joined by the real terminal stage over a transport
 * that answers with fixtures (no sockets): what the HTTP handler for {@code POST /v1/messages} does.
 */
class AnthropicProviderCallTest {
    private final ScriptedTransport transport = new ScriptedTransport();
    private final ProviderCallStage stage = new ProviderCallStage(new ProviderRegistry(
            Map.of("anthropic", new Provider(new AnthropicAdapter(AnthropicFixtures.FIXED_TIME), transport)), transport),
            AnthropicFixtures.FIXED_TIME);
    private final Deployment deployment = AnthropicFixtures.deployment(Map.of("anthropic-beta", "prompt-caching-2024-07-31"),
            Json.object(), 4096);
    private final TokenCounter tokens = new TokenCounter();

    private Reply call(ChatRequest request) {
        Exchange exchange = Exchange.of("req-1", request, Credentials.IN_PROCESS, 0, Long.MAX_VALUE).withTarget(deployment);
        return stage.apply(exchange, e -> {
            throw new IllegalStateException("the provider call is the last stage");
        });
    }

    /** What the server writes for a streamed reply: Anthropic events, ending in an error event on failure. */
    private String serveStream(ChatRequest request) {
        Reply reply = call(request);
        AnthropicStreamEncoder encoder = new AnthropicStreamEncoder(request.model(), tokens.countPrompt(request), tokens);
        StringBuilder out = new StringBuilder();
        try (ChatStream stream = ((Reply.Streaming) reply).stream()) {
            Optional<ChatChunk> chunk;
            while ((chunk = stream.next()).isPresent()) out.append(SseEvent.sse(encoder.encode(chunk.get())));
            out.append(SseEvent.sse(encoder.finish()));
        } catch (GatewayException e) {
            out.append(encoder.error(e).sse());
        }
        return out.toString();
    }

    private static List<String> eventNames(String sse) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^event: (\\w+)$").matcher(sse);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    private ChatRequest clientRequest(boolean stream) throws Exception {
        ObjectNode body = (ObjectNode) Json.MAPPER.readTree(bytes("client-request.json"));
        body.put("stream", stream);
        return AnthropicMessagesCodec.parseRequest(body);
    }

    @Test
    void answersAMessagesRequestThroughTheAnthropicProvider() throws Exception {
        transport.answer(200, WireHeaders.EMPTY, bytes("response-tool-use.json"));
        Reply reply = call(clientRequest(false));

        ObjectNode written = AnthropicMessagesCodec.writeResponse(((Reply.Complete) reply).response());
        assertThat(written.get("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(written.get("content")).isEqualTo(Json.MAPPER.readTree(bytes("response-tool-use.json")).get("content"));
        WireRequest sent = transport.sent.getFirst();
        assertThat(sent.uri().toString()).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(sent.headers().first("anthropic-beta")).contains("prompt-caching-2024-07-31");
        JsonNode sentBody = Json.MAPPER.readTree(sent.body());
        assertThat(sentBody.get("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(sentBody.get("stream").asBoolean()).isFalse();
    }

    @Test
    void streamsTheUpstreamEventsToTheClientInAnthropicsGrammar() throws Exception {
        transport.stream(200, bytes("stream-thinking.sse"));
        String sse = serveStream(clientRequest(true));

        assertThat(eventNames(sse)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_delta", "content_block_stop", "content_block_start",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(sse).contains("\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"I need to find the GCD");
        assertThat(sse).contains("\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9G");
        assertThat(sse).contains("\"usage\":{\"input_tokens\":39,\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":0,\"output_tokens\":102}");
        assertThat(Json.MAPPER.readTree(transport.sent.getFirst().body()).get("stream").asBoolean()).isTrue();
    }

    @Test
    void endsTheClientStreamWithAnErrorEventWhenTheUpstreamFailsMidStream() throws Exception {
        transport.stream(200, bytes("stream-error.sse"));
        String sse = serveStream(clientRequest(true));

        assertThat(eventNames(sse)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                "error");
        assertThat(sse).endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"anthropic: Overloaded\"}}\n\n");
    }

    /** An upstream that streams garbage mid-answer: the client's stream ends with an error event saying so. */
    @Test
    void endsTheClientStreamWithAnErrorEventWhenTheUpstreamSendsAMalformedDelta() throws Exception {
        transport.stream(200, sse(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Once\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\"}}"));
        String sse = serveStream(clientRequest(true));

        assertThat(eventNames(sse)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                "error");
        assertThat(sse).endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"anthropic sent a malformed stream event: text_delta for block 0 has no 'text'\"}}\n\n");
    }

    /** Garbage the decoder has no check for (a tool_use block without its id) is still the upstream's error. */
    @Test
    void reportsAnyEventTheDecoderCannotReadAsAnUpstreamError() throws Exception {
        transport.stream(200, sse("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"tool_use\",\"name\":\"get_weather\",\"input\":{}}}"));
        String sse = serveStream(clientRequest(true));

        assertThat(eventNames(sse)).containsExactly("message_start", "ping", "error");
        assertThat(sse).contains("\"type\":\"api_error\"", "anthropic sent a stream event the gateway could not read: "
                + "{\\\"type\\\":\\\"content_block_start\\\"");
    }

    /** message_start, then these events' data, as an SSE body (no message_stop: the stream fails before it). */
    private static byte[] sse(String... data) throws IOException {
        StringBuilder sb = new StringBuilder("event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
                + "{\"id\":\"msg_bad\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"m\","
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n");
        for (String d : data) sb.append("event: ").append(Json.MAPPER.readTree(d).get("type").asText()).append("\ndata: ").append(d)
                .append("\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void reportsAnUpstreamRefusalBeforeTheStreamStartsAsAnHttpError() throws Exception {
        transport.stream(529, bytes("errors/overloaded.json"), "retry-after", "4");
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> call(clientRequest(true)));

        assertThat(AnthropicMessagesCodec.status(e)).isEqualTo(529);
        assertThat(AnthropicMessagesCodec.retryAfterSeconds(e)).hasValue(4);
        assertThat(AnthropicMessagesCodec.writeError(e).get("error").get("type").asText()).isEqualTo("overloaded_error");
    }

    /** Answers each call with the next scripted response and remembers what was sent. */
    private static final class ScriptedTransport implements Transport {
        final List<WireRequest> sent = new ArrayList<>();
        private int status;
        private WireHeaders headers = WireHeaders.EMPTY;
        private byte[] body = new byte[0];

        void answer(int status, WireHeaders headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        void stream(int status, byte[] body, String... headerPairs) {
            answer(status, WireHeaders.of(headerPairs), body);
        }

        @Override
        public WireResponse send(WireRequest request, Timeouts timeouts) {
            sent.add(request);
            return new WireResponse(status, headers, body);
        }

        @Override
        public WireStream open(WireRequest request, Timeouts timeouts) {
            sent.add(request);
            InputStream in = new ByteArrayInputStream(body);
            int s = status;
            WireHeaders h = headers;
            return new WireStream() {
                @Override
                public int status() {
                    return s;
                }

                @Override
                public WireHeaders headers() {
                    return h;
                }

                @Override
                public InputStream body() {
                    return in;
                }

                @Override
                public void close() {}
            };
        }
    }
}
