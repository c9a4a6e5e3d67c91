package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.FakeUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An official OpenAI SDK in another language, unmodified, against the real server in front of a fake OpenAI
 * upstream: a script in that language makes the calls and prints what the SDK returned as one JSON object, and
 * these tests check it. Each subclass installs its pinned SDK and runs its script; both scripts name themselves
 * ({@link #label()}) in their prompts, {@code user} and {@code metadata}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SdkScriptChecks {
    private FakeUpstream upstream;
    private GatewayFixture gateway;
    private JsonNode result;

    /** How the script names itself: "node", "python". */
    abstract String label();

    /** Installs the pinned SDK when it is missing, runs the script with {@code env} and returns its standard output. */
    abstract String runScript(Map<String, String> env) throws IOException, InterruptedException;

    @BeforeAll
    void runTheScript() throws Exception {
        upstream = FakeUpstream.openAi();
        gateway = OpenAiSdkIT.gatewayFor(upstream);
        result = Json.parseBody(runScript(Map.of("OPENAI_BASE_URL", gateway.v1(), "OPENAI_API_KEY", "sk-anything"))
                .getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() {
        if (gateway != null) gateway.close();
        if (upstream != null) upstream.close();
    }

    @Test
    void chatsWithUsageAndTheRequestId() {
        JsonNode chat = result.get("chat");
        assertThat(chat.get("content").asText()).isEqualTo("echo: hello from " + label());
        assertThat(chat.get("finish").asText()).isEqualTo("stop");
        assertThat(chat.at("/usage/total_tokens").asInt()).isPositive();
        assertThat(chat.get("requestId").asText()).isNotBlank();
        JsonNode sent = upstream.requests().getFirst().bodyJson();
        assertThat(sent.get("user").asText()).isEqualTo(label() + "-user");
        assertThat(sent.at("/metadata/app").asText()).isEqualTo(label());
    }

    @Test
    void streamsWithAUsageChunk() {
        JsonNode stream = result.get("stream");
        assertThat(stream.get("text").asText()).isEqualTo("echo: stream from " + label());
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
        // base64 carries float32s, which the script's language widens to doubles: the same vector at float precision.
        for (int i = 0; i < b64.size(); i++) {
            assertThat((float) b64.get(i).asDouble()).as("component %d", i).isEqualTo((float) floats.get(i).asDouble());
        }
    }

    @Test
    void answersThroughTheResponsesApiStreamedAndFollowedUp() {
        JsonNode r = result.get("responses");
        assertThat(r.get("id").asText()).startsWith("resp_");
        assertThat(r.get("text").asText()).isEqualTo("echo: respond from " + label());
        assertThat(r.get("status").asText()).isEqualTo("completed");
        assertThat(r.at("/usage/total_tokens").asInt()).isPositive();
        assertThat(r.get("streamText").asText()).isEqualTo("echo: stream a response from " + label());
        List<String> events = new ArrayList<>();
        r.get("events").forEach(e -> events.add(e.asText()));
        assertThat(events.getFirst()).isEqualTo("response.created");
        assertThat(events.getLast()).isEqualTo("response.completed");
        assertThat(events).contains("response.output_text.delta", "response.output_item.done");
        assertThat(r.get("followText").asText()).isEqualTo("echo: and again from " + label());
        assertThat(r.get("retrieved").asText()).isEqualTo(r.get("text").asText());
        // The follow-up's own input, listed through the SDK's pager.
        assertThat(r.get("inputItems")).extracting(JsonNode::asText).containsExactly("and again from " + label());
        // The follow-up reached the upstream with the first turn before it (its instructions are not carried over).
        JsonNode followUp = upstream.requests().stream().map(q -> q.bodyJson())
                .filter(b -> b.at("/messages/2/content").asText().equals("and again from " + label())).findFirst().orElseThrow();
        assertThat(followUp.at("/messages/0/content").asText()).isEqualTo("respond from " + label());
        assertThat(followUp.at("/messages/1/role").asText()).isEqualTo("assistant");
        assertThat(followUp.get("messages").size()).isEqualTo(3);
    }

    @Test
    void completesThroughTheLegacyCompletionsApi() {
        JsonNode c = result.get("completions");
        assertThat(c.get("text").asText()).isEqualTo("echo: complete from " + label());
        assertThat(c.get("object").asText()).isEqualTo("text_completion");
        assertThat(c.get("finish").asText()).isEqualTo("stop");
        assertThat(c.get("streamText").asText()).isEqualTo("echo: stream from " + label());
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
