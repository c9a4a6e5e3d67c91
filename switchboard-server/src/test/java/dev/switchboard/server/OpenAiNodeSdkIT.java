package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.FakeUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Node SDK, unmodified, against the real server in front of a fake OpenAI upstream: the script
 * {@code src/test/node/openai-node-check.mjs} makes the calls and prints what the SDK returned; this test checks it.
 * Needs Node.js 18 or later; the SDK version is pinned in {@code package-lock.json} and installed on first run.
 */
class OpenAiNodeSdkIT {
    private static final Path DIR = Path.of("src/test/node");

    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static JsonNode result;

    @BeforeAll
    static void runTheScript() throws Exception {
        if (!Files.isDirectory(DIR.resolve("node_modules/openai"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300, "installing the pinned OpenAI Node SDK");
        }
        upstream = FakeUpstream.openAi();
        gateway = OpenAiSdkIT.gatewayFor(upstream);
        result = Json.parseBody(run(List.of("node", "openai-node-check.mjs"), 120, "the Node SDK script")
                .getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
        if (upstream != null) upstream.close();
    }

    /** Runs a command in the script's folder and returns its standard output; fails with its output otherwise. */
    private static String run(List<String> command, int seconds, String what) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("node-sdk", ".err"); // a file, so a chatty stderr cannot block the pipe
        ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile()).redirectError(errors.toFile());
        if (gateway != null) {
            pb.environment().put("OPENAI_BASE_URL", gateway.v1());
            pb.environment().put("OPENAI_API_KEY", "sk-anything");
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError(command.getFirst() + " is not installed: this test needs Node.js 18+ and npm "
                    + "(Debian: apt-get install nodejs npm)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(what + " did not finish in " + seconds + " s");
        }
        String err = Files.readString(errors);
        Files.delete(errors);
        assertThat(p.exitValue()).as("%s failed:%n%s%n%s", what, out, err).isZero();
        return out;
    }

    @Test
    void chatsWithUsageAndTheRequestId() {
        JsonNode chat = result.get("chat");
        assertThat(chat.get("content").asText()).isEqualTo("echo: hello from node");
        assertThat(chat.get("finish").asText()).isEqualTo("stop");
        assertThat(chat.at("/usage/total_tokens").asInt()).isPositive();
        assertThat(chat.get("requestId").asText()).isNotBlank();
        JsonNode sent = upstream.requests().getFirst().bodyJson();
        assertThat(sent.get("user").asText()).isEqualTo("node-user");
        assertThat(sent.at("/metadata/app").asText()).isEqualTo("node");
    }

    @Test
    void streamsWithAUsageChunk() {
        JsonNode stream = result.get("stream");
        assertThat(stream.get("text").asText()).isEqualTo("echo: stream from node");
        assertThat(stream.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(stream.get("chunks").asInt()).isGreaterThan(2);
    }

    @Test
    void returnsParallelToolCallsAndStreamsTheirDeltas() {
        assertThat(result.at("/tools/finish").asText()).isEqualTo("tool_calls");
        assertThat(names(result.at("/tools/calls"))).containsExactly("get_weather", "get_forecast");
        assertThat(result.at("/tools/calls/0/args/city").asText()).isNotBlank();
        assertThat(names(result.at("/streamedTools/calls"))).containsExactly("get_weather");
        assertThat(result.at("/streamedTools/calls/0/args/city").asText()).isNotBlank();
    }

    @Test
    void honoursAJsonSchemaResponseFormat() {
        assertThat(result.at("/schema/name").isTextual()).isTrue();
        assertThat(result.at("/schema/age").isIntegralNumber()).isTrue();
    }

    @Test
    void embeddingsDecodeTheSameFromBase64AndFloats() {
        JsonNode b64 = result.at("/embeddings/base64");
        JsonNode floats = result.at("/embeddings/float");
        assertThat(b64.size()).isPositive().isEqualTo(floats.size());
        // base64 carries float32s, which JavaScript widens to doubles: the same vector at float precision.
        for (int i = 0; i < b64.size(); i++) {
            assertThat((float) b64.get(i).asDouble()).as("component %d", i).isEqualTo((float) floats.get(i).asDouble());
        }
    }

    @Test
    void listsAndRetrievesModels() {
        List<String> ids = new ArrayList<>();
        result.at("/models/ids").forEach(id -> ids.add(id.asText()));
        assertThat(ids).contains("gpt-4o-mini", "text-embedding-3-small");
        assertThat(result.at("/models/retrieved").asText()).isEqualTo("openai");
    }

    @Test
    void anUnknownModelIsTheSdksNotFoundError() {
        JsonNode e = result.get("notFound");
        assertThat(e.get("notFoundError").asBoolean()).isTrue();
        assertThat(e.get("status").asInt()).isEqualTo(404);
        assertThat(e.get("message").asText()).contains("no-such-model");
    }

    private static List<String> names(JsonNode calls) {
        List<String> names = new ArrayList<>();
        calls.forEach(c -> names.add(c.get("name").asText()));
        return names;
    }
}
