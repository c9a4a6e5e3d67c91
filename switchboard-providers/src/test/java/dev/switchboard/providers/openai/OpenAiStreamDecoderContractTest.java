package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.FrameReader;
import dev.switchboard.core.spi.Framing;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OpenAiStreamDecoderContractTest {
    private final StreamDecoder decoder = new OpenAiAdapter(OpenAiFixtures.FIXED_TIME).newStreamDecoder(null);

    private List<ChatChunk> decodeAll(String fixture) throws IOException {
        FrameReader frames = new FrameReader(new ByteArrayInputStream(OpenAiFixtures.bytes(fixture)), Framing.SSE);
        List<ChatChunk> chunks = new ArrayList<>();
        Optional<Frame> frame;
        while (!decoder.done() && (frame = frames.next()).isPresent()) chunks.addAll(decoder.decode(frame.get()));
        chunks.addAll(decoder.finish());
        return chunks;
    }

    private static String text(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk c : chunks) for (ChunkChoice ch : c.choices()) ch.content().ifPresent(sb::append);
        return sb.toString();
    }

    @Test
    void streamedTextEndsWithAUsageChunkAndDone() throws IOException {
        List<ChatChunk> chunks = decodeAll("stream-text.sse");

        assertThat(decoder.done()).isTrue();
        assertThat(text(chunks)).isEqualTo("Hello! How can I help?");
        assertThat(chunks.getFirst().choices().getFirst().role()).contains(Role.ASSISTANT);
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason()).contains(FinishReason.STOP);
        ChatChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(usage.usage().orElseThrow().completionTokens()).isEqualTo(6);
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        assertThat(chunks).allSatisfy(c -> assertThat(c.id()).isEqualTo("chatcmpl-C3vJ2bQf9x1TzXwq8R0a6m4sLhK7p"));
    }

    /** A compatible server that never sends a role: each choice's first delta gets assistant, as OpenAI's has it. */
    @Test
    void aChoiceWhoseFirstDeltaHasNoRoleGetsAssistant() {
        List<ChatChunk> chunks = new ArrayList<>();
        for (String data : List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"Yo\"},\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":\"stop\"},{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "[DONE]")) {
            chunks.addAll(decoder.decode(new Frame(Optional.empty(), data)));
        }
        assertThat(chunks).flatExtracting(ChatChunk::choices).extracting(c -> c.index() + ":" + c.role().map(Role::wire).orElse("-")
                + ":" + c.content().orElse("")).containsExactly("0:assistant:Hi", "1:assistant:Yo", "0:-: there", "1:-:");
    }

    @Test
    void streamedAudioServiceTierAndUsageDetailsTravelBackAsTheUpstreamSentThem() throws IOException {
        List<ChatChunk> chunks = decodeAll("stream-audio.sse");

        List<JsonNode> sent = new ArrayList<>();
        for (String line : new String(OpenAiFixtures.bytes("stream-audio.sse"), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("data: {")) sent.add(Json.parseUpstream(line.substring(6), "test"));
        }
        assertThat(chunks).hasSize(sent.size());
        for (int i = 0; i < chunks.size(); i++) {
            // The gateway leaves out what is null (an empty delta's content, a chunk's usage); everything else is as sent.
            assertThat((Object) withoutNulls(Json.parseUpstream(OpenAiCodec.writeChunk(chunks.get(i)), "test"))).as("chunk %d", i)
                    .isEqualTo(withoutNulls(sent.get(i)));
        }
        assertThat(chunks.get(1).choices().getFirst().extras().orElseThrow().at("/audio/transcript").asText()).isEqualTo("Hello");
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(31);
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode out = Json.object();
            o.properties().forEach(e -> {
                if (!e.getValue().isNull()) out.set(e.getKey(), withoutNulls(e.getValue()));
            });
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = Json.NODES.arrayNode();
            a.forEach(x -> out.add(withoutNulls(x)));
            return out;
        }
        return node;
    }

    @Test
    void parallelToolCallDeltasAssembleIntoTwoCalls() throws IOException {
        List<ChatChunk> chunks = decodeAll("stream-tool-calls.sse");

        Map<Integer, StringBuilder> args = new TreeMap<>();
        Map<Integer, String> ids = new TreeMap<>();
        Map<Integer, String> names = new TreeMap<>();
        for (ChatChunk c : chunks) {
            for (ChunkChoice ch : c.choices()) {
                for (ToolCallDelta d : ch.toolCalls()) {
                    d.id().ifPresent(id -> ids.put(d.index(), id));
                    d.name().ifPresent(n -> names.put(d.index(), n));
                    args.computeIfAbsent(d.index(), i -> new StringBuilder()).append(d.arguments().orElse(""));
                }
            }
        }
        assertThat(ids).containsExactly(Map.entry(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA"), Map.entry(1, "call_3MS8vbJL5SIvUe3ZtlmAtXlT"));
        assertThat(names.values()).containsOnly("get_weather");
        assertThat(args.get(0)).hasToString("{\"location\": \"Paris, France\"}");
        assertThat(args.get(1)).hasToString("{\"location\": \"Bogotá, Colombia\"}");
        assertThat(chunks).anySatisfy(c -> assertThat(c.choices()).anySatisfy(
                ch -> assertThat(ch.finishReason()).contains(FinishReason.TOOL_CALLS)));
        assertThat(chunks.getLast().usage().orElseThrow().totalTokens()).isEqualTo(136);
    }

    @Test
    void anErrorObjectInTheStreamBecomesTheMappedException() throws IOException {
        FrameReader frames = new FrameReader(new ByteArrayInputStream(OpenAiFixtures.bytes("stream-error-midstream.sse")), Framing.SSE);

        List<ChatChunk> first = decoder.decode(frames.next().orElseThrow());
        Frame error = frames.next().orElseThrow();

        assertThat(text(first)).isEqualTo("Partial");
        assertThatThrownBy(() -> decoder.decode(error))
                .isInstanceOf(GatewayException.UpstreamError.class)
                .hasMessageContaining("The server had an error while processing your request");
    }

    @Test
    void aRateLimitErrorEventIsRetryable() {
        Frame frame = Frame.data("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");

        assertThatThrownBy(() -> decoder.decode(frame)).isInstanceOf(GatewayException.RateLimited.class);
    }

    @Test
    void aMalformedFrameIsSkippedAndTheStreamGoesOn() throws IOException {
        List<ChatChunk> chunks = decodeAll("stream-malformed-frame.sse");

        assertThat(text(chunks)).isEqualTo("AB");
        assertThat(chunks).filteredOn(c -> !c.choices().isEmpty()).hasSize(2);
    }

    @Test
    void aStreamThatEndsWithoutDoneOwesNothingMoreThanItsUsage() throws IOException {
        List<ChatChunk> chunks = decodeAll("stream-malformed-frame.sse");

        assertThat(decoder.done()).isFalse();
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason()).contains(FinishReason.STOP);
        assertThat(chunks.getLast().choices()).isEmpty();
        assertThat(decoder.finish()).isEmpty();
    }

    /** OpenAI always ends a stream with usage; an upstream that sends none gets the gateway's count, marked as an estimate. */
    @Test
    void aStreamWithoutUsageEndsWithTheGatewaysCountMarkedAsAnEstimate() throws IOException {
        ChatRequest request = OpenAiCodec.parseChatRequest(Json.MAPPER.readTree(
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello twice\"}]}"));
        StreamDecoder counting = new OpenAiAdapter(OpenAiFixtures.FIXED_TIME).newStreamDecoder(request);
        String chunk = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":%s}]}";

        counting.decode(Frame.data(chunk.formatted("Hello hello, ", "null")));
        counting.decode(Frame.data(chunk.formatted("and hello again.", "\"stop\"")));
        counting.decode(Frame.data("[DONE]"));
        List<ChatChunk> owed = counting.finish();

        TokenCounter tokens = new TokenCounter();
        assertThat(owed).singleElement().satisfies(u -> {
            assertThat(u.choices()).isEmpty();
            assertThat(u.id()).isEqualTo("chatcmpl-2");
            assertThat(u.usage()).contains(Usage.of(tokens.countPrompt(request), tokens.count("Hello hello, and hello again.")));
            assertThat(u.extras().orElseThrow().path("switchboard").path("usage_estimated").asBoolean()).isTrue();
        });
        assertThat(counting.finish()).isEmpty();
    }

    @Test
    void aStreamWithUsageGetsNoEstimate() throws IOException {
        List<ChatChunk> chunks = decodeAll("stream-text.sse");

        assertThat(chunks).filteredOn(c -> c.usage().isPresent()).singleElement()
                .satisfies(c -> assertThat(c.extras().map(e -> e.has("switchboard"))).isNotEqualTo(Optional.of(true)));
    }

    @Test
    void aStreamCutOffBeforeAnyFinishReasonOrDoneIsAConnectionFailureNotAFinishedAnswer() {
        String first = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}";

        assertThat(text(decoder.decode(Frame.data(first)))).isEqualTo("Hel");
        assertThatThrownBy(decoder::finish).isInstanceOf(GatewayException.ConnectionFailed.class)
                .hasMessageContaining("mid-answer");
    }

    @Test
    void aBodyWithoutASingleEventIsAnUpstreamErrorNotAnEmptyAnswer() throws IOException {
        FrameReader frames = new FrameReader(new ByteArrayInputStream(OpenAiFixtures.bytes("chat-text.json")), Framing.SSE);

        assertThat(frames.next()).isEmpty();
        assertThatThrownBy(decoder::finish).isInstanceOf(GatewayException.UpstreamError.class)
                .hasMessageContaining("without sending any event");
    }

    @Test
    void doneMarkerYieldsNoChunk() {
        assertThat(decoder.decode(Frame.data("[DONE]"))).isEmpty();
        assertThat(decoder.done()).isTrue();
    }

    @Test
    void aChunkWithNeitherChoicesNorUsageIsNotPassedOn() {
        Frame preamble = Frame.data("{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[],"
                + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}");

        assertThat(decoder.decode(preamble)).isEmpty();
        assertThat(decoder.done()).isFalse();
    }
}
