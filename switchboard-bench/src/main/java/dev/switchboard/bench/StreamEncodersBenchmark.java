package dev.switchboard.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.wire.AnthropicStreamEncoder;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiResponsesStreamEncoder;
import dev.switchboard.core.wire.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One streamed answer written in each client dialect, as the server writes it: the bench harness's 24-event answer
 * (a role chunk, 21 content deltas, the finish, the usage) encoded into its events' bytes. {@code chat} writes OpenAI's
 * chunks straight through the stream's generator; {@code responses} and {@code anthropic} build their encoders' named
 * events and write them through it.
 * Run with {@code -prof gc} for the bytes each allocates.
 */
@State(Scope.Benchmark)
public class StreamEncodersBenchmark extends GatewayJvmBenchmark {
    @Param({"chat", "responses", "anthropic"})
    public String dialect;

    private static final String[] WORDS = {"A", " gateway", " should", " add", " well", " under", " a", " millisecond", " so",
        " that", " the", " model", ",", " not", " the", " proxy", ",", " dominates", " latency", "."};

    private final List<ChatChunk> chunks = new ArrayList<>();
    private final TokenCounter tokens = new TokenCounter();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);

    private static String chunk(String delta, String finish, String usage) {
        return "{\"id\":\"chatcmpl-BENCH\",\"object\":\"chat.completion.chunk\",\"created\":1732300000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":" + (delta == null ? "[]" : "[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]") + (usage == null ? "" : ",\"usage\":" + usage) + "}";
    }

    @Setup
    public void setup() {
        List<String> lines = new ArrayList<>();
        lines.add(chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null", null));
        for (String w : WORDS) lines.add(chunk("{\"content\":" + Json.text(Json.NODES.textNode(w)) + "}", "null", null));
        lines.add(chunk("{}", "\"stop\"", null));
        lines.add(chunk(null, null, "{\"prompt_tokens\":31,\"completion_tokens\":20,\"total_tokens\":51}"));
        for (String line : lines) chunks.add(OpenAiCodec.parseChunk(Json.parseBody(line.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    /** As the server writes a stream: one generator for all its events. */
    @Benchmark
    public int encode() throws IOException {
        out.reset();
        try (JsonGenerator g = Json.generator(out)) {
            g.setRootValueSeparator(null);
            switch (dialect) {
                case "chat" -> {
                    for (ChatChunk c : chunks) OpenAiCodec.writeChunk(c, null, g);
                }
                case "responses" -> named(new OpenAiResponsesStreamEncoder("resp_1", 1732300000L, "gpt-4o-mini", Json.object(), 31,
                        tokens), g);
                default -> named(new AnthropicStreamEncoder("claude", 31, tokens), g);
            }
        }
        return out.size();
    }

    private void named(SseEvent.Encoder encoder, JsonGenerator g) throws IOException {
        for (ChatChunk c : chunks) {
            for (SseEvent e : encoder.encode(c)) g.writeTree(e.data());
        }
        for (SseEvent e : encoder.finish()) g.writeTree(e.data());
    }
}
