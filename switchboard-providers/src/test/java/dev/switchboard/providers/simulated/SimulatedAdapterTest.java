package dev.switchboard.providers.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.DefaultConfig;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.spi.Frame;
import dev.switchboard.core.spi.ProviderPlugin;
import dev.switchboard.core.spi.StreamDecoder;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedAdapterTest {
    private final SimulatedAdapter adapter = new SimulatedAdapter(name -> null);

    @Test
    void writesAnOpenAiChatBodyForTheUpstreamModelWithTheKnobsAsHeaders() {
        ChatRequest request = chat("{\"model\":\"tier-1\",\"stream\":true,\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        Deployment d = deployment("granite4.1:3b", "{\"time-to-first-token\":\"120ms\",\"tokens-per-second\":140,\"error-rate\":0.1,\"error-status\":429}");

        WireRequest wire = adapter.toWire(request, d);

        JsonNode body = Json.parseBody(wire.body());
        assertThat(body.get("model").asText()).isEqualTo("granite4.1:3b");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(wire.uri().getPath()).isEqualTo("/v1/chat/completions");
        assertThat(wire.headers().first("x-simulation-ttft-ms")).contains("120");
        assertThat(wire.headers().first("x-simulation-tokens-per-second")).contains("140.0");
        assertThat(wire.headers().first("x-simulation-error-status")).contains("429");
        SimulationSettings back = SimulationSettings.from(wire.headers());
        assertThat(back.timeToFirstToken()).isEqualTo(Duration.ofMillis(120));
        assertThat(back.errorRate()).isEqualTo(0.1);
        assertThat(back.contextWindow()).hasValue(ModelInfo.DEFAULT_CONTEXT_WINDOW);
    }

    @Test
    void theDefaultConfigsSimulationKnobsAreValid() {
        SwitchboardConfig config = DefaultConfig.load(name -> null, Set.of("simulated", "ollama", "openai"));

        List<Deployment> simulated = config.deployments().stream().filter(Deployment::simulated).toList();
        assertThat(simulated).hasSizeGreaterThanOrEqualTo(5);
        for (Deployment d : simulated) assertThatNoException().isThrownBy(() -> adapter.validate(d));
        SimulationSettings granite = SimulationSettings.of(simulated.getFirst(), name -> null);
        assertThat(granite.timeToFirstToken()).isEqualTo(Duration.ofMillis(120));
        assertThat(granite.tokensPerSecond()).isEqualTo(140);
    }

    @Test
    void badKnobsAreConfigErrorsNamingTheKey() {
        assertConfigError("{\"error-rate\":1.5}", "simulation.error-rate");
        assertConfigError("{\"tokens-per-second\":\"fast\"}", "simulation.tokens-per-second");
        assertConfigError("{\"time-to-first-token\":\"soon\"}", "simulation.time-to-first-token");
        assertConfigError("{\"error-status\":200}", "simulation.error-status");
        assertConfigError("{\"stall-after-tokens\":10}", "simulation.stall-for");
        assertConfigError("{\"stall-for\":\"2s\"}", "simulation.stall-after-tokens");
        assertConfigError("{\"ttft\":\"100ms\"}", "simulation.ttft");
        assertConfigError("{\"fail-after-tokens\":-1}", "simulation.fail-after-tokens");
        assertConfigError("{\"answer\":\"rude\"}", "simulation.answer");
    }

    @Test
    void aZeroTimeToFirstTokenMeansNoDelay() {
        SimulationSettings s = SimulationSettings.of(deployment("m", "{\"time-to-first-token\":0}"), name -> null);

        assertThat(s.timeToFirstToken()).isZero();
        assertThat(s.tokensPerSecond()).isInfinite();
    }

    @Test
    void readsAnOpenAiAnswerWithItsSimulatedFingerprint() {
        String body = """
                {"id":"chatcmpl-sim-1","object":"chat.completion","created":1767225600,"model":"llama3.2",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"**Simulated answer.**"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13},"system_fingerprint":"simulated"}""";

        ChatResponse r = adapter.fromWire(new WireResponse(200, WireHeaders.EMPTY, body.getBytes()), chat(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        assertThat(r.systemFingerprint()).contains("simulated");
        assertThat(r.text()).startsWith("**Simulated");
        assertThat(r.usage().orElseThrow().totalTokens()).isEqualTo(13);
    }

    @Test
    void theStreamDecoderEndsOnDoneAndCallsAMissingDoneABrokenStream() {
        StreamDecoder decoder = adapter.newStreamDecoder(null);
        List<ChatChunk> chunks = decoder.decode(Frame.data(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}"));

        assertThat(chunks.getFirst().choices().getFirst().content()).contains("Hi");
        assertThat(decoder.done()).isFalse();
        assertThatThrownBy(decoder::finish).isInstanceOf(GatewayException.ConnectionFailed.class);
        assertThat(decoder.decode(Frame.data("[DONE]"))).isEmpty();
        assertThat(decoder.done()).isTrue();
    }

    @Test
    void mapsInjectedStatusesOntoTheErrorHierarchy() {
        byte[] body = "{\"error\":{\"message\":\"Simulated fault\",\"type\":\"server_error\",\"param\":null,\"code\":\"overloaded\"}}".getBytes();

        assertThat(adapter.mapError(503, WireHeaders.of("Retry-After", "1"), body))
                .isInstanceOfSatisfying(GatewayException.Overloaded.class, e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(1)));
        assertThat(adapter.mapError(429, WireHeaders.EMPTY, body)).isInstanceOf(GatewayException.RateLimited.class);
        assertThat(adapter.mapError(500, WireHeaders.EMPTY, body)).isInstanceOf(GatewayException.UpstreamError.class);
        assertThat(adapter.mapError(400, WireHeaders.EMPTY,
                "{\"error\":{\"message\":\"too long\",\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}".getBytes()))
                .isInstanceOf(GatewayException.ContextWindowExceeded.class);
    }

    @Test
    void onlyAnEmbeddingModelMakesEmbeddings() {
        Deployment chatModel = deployment("llama3.2", null);
        Deployment embeddingModel = embeddingDeployment("nomic-embed-text");

        assertThatThrownBy(() -> adapter.toWire(EmbeddingRequest.of("llama3.2", List.of("hi")), chatModel))
                .isInstanceOfSatisfying(GatewayException.Unsupported.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("'llama3.2' is a simulated chat model");
        assertThat(adapter.toWire(EmbeddingRequest.of("nomic-embed-text", List.of("hi")), embeddingModel).uri())
                .isEqualTo(SimulatedAdapter.EMBEDDINGS);
    }

    @Test
    void bothPluginsAreRegisteredForTheServiceLoader() {
        List<String> ids = ServiceLoader.load(ProviderPlugin.class).stream().map(p -> p.get().id()).toList();

        assertThat(ids).contains("simulated", "ollama");
    }

    private void assertConfigError(String simulation, String key) {
        Deployment d = deployment("m", simulation);
        assertThatThrownBy(() -> adapter.validate(d))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).endsWith(key))
                .hasMessageContaining("model_list[id=d-m].litellm_params." + key.substring(0, key.indexOf('.')));
        assertThatThrownBy(() -> adapter.toWire(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), d))
                .isInstanceOf(ConfigException.class);
    }

    static ChatRequest chat(String json) {
        return OpenAiCodec.parseChatRequest(Json.parseBody(json.getBytes()));
    }

    static Deployment embeddingDeployment(String upstream) {
        return new Deployment("d-" + upstream, "group", "simulated", upstream, Optional.empty(), Optional.empty(), Map.of(),
                Json.object(), OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT, new ModelInfo(OptionalInt.empty(),
                        Optional.empty(), Set.of(), 8192, 1, Prices.FREE, "embedding", Optional.empty()));
    }

    static Deployment deployment(String upstream, String simulationJson) {
        ObjectNode params = Json.object();
        if (simulationJson != null) params.set("simulation", Json.parseBody(simulationJson.getBytes()));
        return new Deployment("d-" + upstream, "group", "simulated", upstream, Optional.empty(), Optional.empty(), Map.of(),
                params, OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT, ModelInfo.defaults());
    }
}
