package dev.switchboard.providers.anthropic;

import static dev.switchboard.providers.anthropic.AnthropicFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.StreamOfResponse;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.FrameReader;
import dev.switchboard.core.spi.Framing;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.AnthropicMessagesCodec;
import dev.switchboard.core.wire.AnthropicStreamEncoder;
import dev.switchboard.core.wire.SseEvent;
import dev.switchboard.core.wire.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * An Anthropic client talking to an Anthropic upstream through the canonical model: what goes in must come
 * out (the ingress codec and the adapter are each other's inverse for everything both model).
 */
class AnthropicRoundTripContractTest {
    private final AnthropicAdapter adapter = new AnthropicAdapter(AnthropicFixtures.FIXED_TIME);

    @ParameterizedTest
    @ValueSource(strings = {"client-request.json", "client-request-thinking-loop.json", "client-request-blocks.json",
            "client-request-citations.json"})
    void forwardsAClientRequestToTheUpstreamUnchangedApartFromTheModel(String fixture) throws IOException {
        JsonNode client = Json.MAPPER.readTree(bytes(fixture));
        ChatRequest canonical = AnthropicMessagesCodec.parseRequest(client);
        JsonNode upstream = Json.MAPPER.readTree(adapter.toWire(canonical, AnthropicFixtures.deployment()).body());

        ObjectNode expected = client.deepCopy();
        expected.put("model", "claude-sonnet-4-5-20250929");
        assertThat(upstream).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"response-tool-use.json", "response-cache-usage.json", "response-text.json",
            "response-stop-sequence.json", "response-thinking.json", "response-text-blocks.json", "response-citations.json"})
    void givesTheClientTheUpstreamAnswer(String fixture) throws IOException {
        ChatResponse canonical = adapter.fromWire(new WireResponse(200, WireHeaders.EMPTY, bytes(fixture)),
                ChatRequest.builder("claude").build());
        ObjectNode written = AnthropicMessagesCodec.writeResponse(canonical);

        JsonNode upstream = Json.MAPPER.readTree(bytes(fixture));
        for (String field : List.of("id", "type", "role", "model", "content", "stop_reason", "stop_sequence")) {
            assertThat(written.get(field)).as(field).isEqualTo(upstream.get(field));
        }
        JsonNode usage = upstream.get("usage");
        assertThat(written.get("usage").get("input_tokens")).isEqualTo(usage.get("input_tokens"));
        assertThat(written.get("usage").get("output_tokens")).isEqualTo(usage.get("output_tokens"));
        assertThat(written.get("usage").get("cache_read_input_tokens").asInt())
                .isEqualTo(usage.path("cache_read_input_tokens").asInt(0));
        assertThat(written.get("usage").get("cache_creation_input_tokens").asInt())
                .isEqualTo(usage.path("cache_creation_input_tokens").asInt(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream-tool-use.sse", "stream-redacted-thinking.sse", "stream-text-blocks.sse",
            "stream-citations.sse"})
    void replaysAnUpstreamStreamAsTheSameEventsToTheClient(String fixture) throws IOException {
        List<SseEvent> upstream = events(fixture);

        StreamDecoder decoder = adapter.newStreamDecoder(ChatRequest.builder("claude").build());
        AnthropicStreamEncoder encoder = new AnthropicStreamEncoder("claude", 472, new TokenCounter());
        List<SseEvent> client = new ArrayList<>();
        FrameReader frames = new FrameReader(new ByteArrayInputStream(bytes(fixture)), Framing.SSE);
        Optional<Frame> frame;
        while ((frame = frames.next()).isPresent()) {
            for (ChatChunk chunk : decoder.decode(frame.get())) client.addAll(encoder.encode(chunk));
        }
        client.addAll(encoder.finish());

        // Pings carry nothing and may sit anywhere; empty input_json_delta fragments carry nothing either.
        // message_start's usage is announced before the upstream's is known, so compare the message without it.
        assertThat(normalise(client)).isEqualTo(normalise(upstream));
    }

    /**
     * An answer that arrived whole but goes to the client as a stream (a cascade's, or any stage's that answers whole)
     * keeps its blocks too: the events an upstream streaming the same answer sends, block for block.
     */
    @Test
    void streamsAWholeAnswerBlockForBlock() throws IOException {
        ChatResponse canonical = adapter.fromWire(new WireResponse(200, WireHeaders.EMPTY, bytes("response-text-blocks.json")),
                ChatRequest.builder("claude").build());
        AnthropicStreamEncoder encoder = new AnthropicStreamEncoder("claude", 610, new TokenCounter());
        List<SseEvent> client = new ArrayList<>();
        for (ChatChunk chunk : StreamOfResponse.chunks(canonical)) client.addAll(encoder.encode(chunk));
        client.addAll(encoder.finish());

        assertThat(blocks(client)).isEqualTo(blocks(events("stream-text-blocks.sse")))
                .containsExactly("text:According to the document, ", "text:the grass is green",
                        "text:. I'll check today's weather as well.",
                        "tool_use:{\"location\":\"San Francisco, CA\"}", "text:Checking now.");
    }

    /**
     * An answer served whole to a streaming client (from a cache, a cascade, any stage that answers whole) is the
     * message the upstream answered, once the client adds its events up: signed thinking with its signature, redacted
     * thinking, text blocks with their citations and tool calls, each in its place.
     */
    @ParameterizedTest
    @ValueSource(strings = {"response-thinking.json", "response-citations.json", "response-text-blocks.json"})
    void streamsAWholeAnswerThatAddsUpToTheUpstreamsMessage(String fixture) throws IOException {
        ChatResponse canonical = adapter.fromWire(new WireResponse(200, WireHeaders.EMPTY, bytes(fixture)),
                ChatRequest.builder("claude").build());
        AnthropicStreamEncoder encoder = new AnthropicStreamEncoder("claude", 46, new TokenCounter());
        List<SseEvent> client = new ArrayList<>();
        for (ChatChunk chunk : StreamOfResponse.chunks(canonical)) client.addAll(encoder.encode(chunk));
        client.addAll(encoder.finish());

        assertThat(accumulate(client)).isEqualTo(Json.MAPPER.readTree(bytes(fixture)).get("content"));
    }

    /** The live stream of a cited answer adds up to the same blocks as the whole answer, citations in their blocks. */
    @Test
    void aStreamedCitedAnswerAddsUpToTheWholeOne() throws IOException {
        StreamDecoder decoder = adapter.newStreamDecoder(ChatRequest.builder("claude").build());
        AnthropicStreamEncoder encoder = new AnthropicStreamEncoder("claude", 1893, new TokenCounter());
        List<SseEvent> client = new ArrayList<>();
        FrameReader frames = new FrameReader(new ByteArrayInputStream(bytes("stream-citations.sse")), Framing.SSE);
        Optional<Frame> frame;
        while ((frame = frames.next()).isPresent()) {
            for (ChatChunk chunk : decoder.decode(frame.get())) client.addAll(encoder.encode(chunk));
        }
        client.addAll(encoder.finish());

        // The whole answer's last cited block has one citation more than the stream's; the rest is the same.
        ArrayNode expected = (ArrayNode) Json.MAPPER.readTree(bytes("response-citations.json")).get("content").deepCopy();
        ((ArrayNode) expected.get(3).get("citations")).remove(2);
        assertThat(accumulate(client)).isEqualTo(expected);
    }

    /**
     * The message's content as an Anthropic SDK's stream accumulator builds it: each block from its start event, text
     * and thinking appended, the signature set, citations added to their block, tool input parsed from its pieces.
     */
    private static ArrayNode accumulate(List<SseEvent> events) throws IOException {
        ArrayNode content = Json.NODES.arrayNode();
        Map<Integer, StringBuilder> toolInput = new HashMap<>();
        for (SseEvent e : events) {
            JsonNode d = e.data();
            switch (e.name()) {
                case "content_block_start" -> {
                    assertThat(d.get("index").asInt()).isEqualTo(content.size());
                    content.add(d.get("content_block").deepCopy());
                }
                case "content_block_delta" -> {
                    int index = d.get("index").asInt();
                    ObjectNode block = (ObjectNode) content.get(index);
                    JsonNode delta = d.get("delta");
                    switch (delta.get("type").asText()) {
                        case "text_delta" -> block.put("text", block.get("text").asText() + delta.get("text").asText());
                        case "thinking_delta" -> block.put("thinking", block.get("thinking").asText()
                                + delta.get("thinking").asText());
                        case "signature_delta" -> block.put("signature", delta.get("signature").asText());
                        case "citations_delta" -> {
                            if (!block.has("citations")) block.putArray("citations");
                            ((ArrayNode) block.get("citations")).add(delta.get("citation"));
                        }
                        case "input_json_delta" -> toolInput.computeIfAbsent(index, i -> new StringBuilder())
                                .append(delta.get("partial_json").asText());
                        default -> throw new AssertionError("unexpected delta " + delta);
                    }
                }
                default -> { }
            }
        }
        for (Map.Entry<Integer, StringBuilder> input : toolInput.entrySet()) {
            ((ObjectNode) content.get(input.getKey())).set("input", Json.MAPPER.readTree(input.getValue().toString()));
        }
        return content;
    }

    /** Each content block as {@code type:what it says}, its deltas joined (tool input compared as it was streamed). */
    private static List<String> blocks(List<SseEvent> events) throws IOException {
        List<StringBuilder> out = new ArrayList<>();
        for (SseEvent e : events) {
            JsonNode d = e.data();
            if (e.name().equals("content_block_start")) out.add(new StringBuilder(d.at("/content_block/type").asText() + ":"));
            if (e.name().equals("content_block_delta")) {
                out.get(d.get("index").asInt()).append(d.at("/delta/text").asText(d.at("/delta/partial_json").asText()));
            }
        }
        List<String> joined = new ArrayList<>();
        for (StringBuilder b : out) {
            String s = b.toString();
            // Tool input as JSON, whatever its spacing.
            joined.add(s.startsWith("tool_use:") ? "tool_use:" + Json.MAPPER.readTree(s.substring(9)) : s);
        }
        return joined;
    }

    private static List<JsonNode> normalise(List<SseEvent> events) {
        List<JsonNode> out = new ArrayList<>();
        for (SseEvent e : events) {
            if (e.name().equals("ping")) continue;
            if (e.data().path("delta").path("partial_json").asText("x").isEmpty()) continue;
            ObjectNode data = e.data().deepCopy();
            if (e.name().equals("message_start")) ((ObjectNode) data.get("message")).remove("usage");
            ObjectNode event = Json.object().put("event", e.name());
            event.set("data", data);
            out.add(event);
        }
        return out;
    }

    private static List<SseEvent> events(String fixture) throws IOException {
        FrameReader frames = new FrameReader(new ByteArrayInputStream(bytes(fixture)), Framing.SSE);
        List<SseEvent> out = new ArrayList<>();
        Optional<Frame> frame;
        while ((frame = frames.next()).isPresent()) {
            out.add(new SseEvent(frame.get().event().orElseThrow(),
                    (ObjectNode) Json.MAPPER.readTree(frame.get().data())));
        }
        return out;
    }
}
