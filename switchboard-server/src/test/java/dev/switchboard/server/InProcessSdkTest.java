package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.testkit.Fault;
import dev.switchboard.testkit.FakeUpstream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-process SDK as the README shows it: the same engine and pipeline, no HTTP. */
class InProcessSdkTest {
    private static final String YAML = """
            model_list:
              - model_name: llama3.2
                litellm_params: {model: simulated/llama3.2}
              - model_name: nomic-embed-text
                litellm_params: {model: simulated/nomic-embed-text}
                model_info: {mode: embedding}
            switchboard:
              ledger: {store: none}
            """;

    private static Switchboard engine() {
        SwitchboardConfig config = new ConfigLoader(System::getenv, Switchboard.availableProviders()).parse(YAML, "test");
        return Switchboard.create(config);
    }

    @Test
    void chatsStreamsAndEmbedsThroughThePipeline() {
        try (Switchboard sb = engine()) {
            ChatResponse reply = sb.chat(ChatRequest.builder("llama3.2")
                    .message(Message.system("Be brief."))
                    .message(Message.user("What is a circuit breaker?"))
                    .maxTokens(200)
                    .build());
            assertThat(reply.text()).contains("circuit breaker");
            assertThat(reply.usage().orElseThrow().promptTokens()).isPositive();

            StringBuilder streamed = new StringBuilder();
            try (ChatStream stream = sb.stream(ChatRequest.builder("llama3.2").message(Message.user("Stream a haiku")).build())) {
                Optional<ChatChunk> chunk;
                while ((chunk = stream.next()).isPresent()) {
                    chunk.get().choices().forEach(c -> c.content().ifPresent(streamed::append));
                }
            }
            assertThat(streamed.toString()).contains("haiku");

            EmbeddingResponse vectors = sb.embed(EmbeddingRequest.of("nomic-embed-text", List.of("hello", "world")));
            assertThat(vectors.vectors()).hasSize(2);
            assertThat(vectors.vectors().getFirst()).hasSize(384);
        }
    }

    @Test
    void routesTheAutoModelInProcessToo() {
        try (Switchboard sb = engine()) {
            ChatResponse reply = sb.chat(ChatRequest.builder("switchboard/auto")
                    .message(Message.user("Summarise the CAP theorem and also write a Python function that reverses a list."))
                    .build());
            assertThat(reply.model()).isEqualTo("switchboard/auto");
            assertThat(reply.text()).contains("## 1.").contains("## 2.");
        }
    }

    @Test
    void errorsAreTheSameTypedExceptionsTheServerMapsToStatuses() {
        try (Switchboard sb = engine()) {
            assertThatThrownBy(() -> sb.chat(ChatRequest.builder("nope").message(Message.user("hi")).build()))
                    .isInstanceOfSatisfying(GatewayException.NotFound.class, e -> assertThat(e.status()).isEqualTo(404));
        }
    }

    /**
     * A closed engine says so: a chat to a model group used to be answered anyway (its ledger record dropped), and a
     * switchboard/auto one failed with a raw CompletionException from the stopped part threads.
     */
    @Test
    void aClosedEngineRefusesEveryRequestSayingItIsClosed() {
        Switchboard sb = engine();
        sb.close();
        sb.close(); // again: nothing happens
        ChatRequest chat = ChatRequest.builder("llama3.2").message(Message.user("hi")).build();
        ChatRequest auto = ChatRequest.builder("switchboard/auto")
                .message(Message.user("Summarise the CAP theorem and also write a Python function that reverses a list.")).build();
        for (var call : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(() -> sb.chat(chat), () -> sb.chat(auto),
                () -> sb.stream(chat), () -> sb.embed(EmbeddingRequest.of("nomic-embed-text", List.of("hi"))))) {
            assertThatThrownBy(call).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    /**
     * A closed stream says so, as a closed engine does: reading one used to fail with a gateway ConnectionFailed ("the
     * upstream stream broke"), as if the provider had failed.
     */
    @Test
    void readingAClosedStreamThrowsIllegalStateException() {
        try (Switchboard sb = engine()) {
            for (String model : List.of("llama3.2", "switchboard/auto")) {
                ChatStream stream = sb.stream(ChatRequest.builder(model).message(Message.user(
                        "Summarise the CAP theorem and also write a Python function that reverses a list.")).build());
                assertThat(stream.next()).as(model).isPresent();
                stream.close();
                stream.close(); // again: nothing happens
                assertThatThrownBy(stream::next).as(model).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed");
            }
            ChatStream drained = sb.stream(ChatRequest.builder("llama3.2").message(Message.user("hi")).build());
            while (drained.next().isPresent()) {
                // read to the end
            }
            assertThat(drained.next()).as("after the end, before close").isEmpty();
            drained.close();
            assertThatThrownBy(drained::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    /** A request without a model is refused when it is built, not deep in the pipeline (where an observer failed on it). */
    @Test
    void aRequestWithoutAModelIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> ChatRequest.builder(null).message(Message.user("hi")).build())
                .isInstanceOf(NullPointerException.class).hasMessage("model");
        assertThatThrownBy(() -> EmbeddingRequest.of(null, List.of("hi"))).isInstanceOf(NullPointerException.class).hasMessage("model");
    }

    /** The test config with an SQLite ledger in {@code dir} and a slow cheap tier, so a stream can be closed mid-way. */
    private static SwitchboardConfig slowTiersWithALedgerIn(java.nio.file.Path dir) {
        String yaml = YAML.replace("ledger: {store: none}", "ledger: {store: sqlite, path: \"" + dir.resolve("l.db") + "\"}")
                .replace("simulated/llama3.2}", "simulated/llama3.2, simulation: {tokens-per-second: 200}}");
        return new ConfigLoader(System::getenv, Switchboard.availableProviders()).parse(yaml, "test");
    }

    /** A stream its reader closes before the end still cost a model call: the ledger has it, marked client_closed. */
    @Test
    void aStreamClosedBeforeItsEndIsInTheLedgerAsClientClosed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (Switchboard sb = Switchboard.create(slowTiersWithALedgerIn(dir))) {
            for (String model : List.of("llama3.2", "switchboard/auto")) {
                String id = "closed-" + model.replace('/', '-');
                ChatRequest request = ChatRequest.builder(model).message(Message.user("What is a circuit breaker?"))
                        .build().withStream(true);
                var reply = (dev.switchboard.core.pipeline.Reply.Streaming) sb.handle(
                        sb.newExchange(request, dev.switchboard.core.pipeline.Credentials.IN_PROCESS, id));
                try (ChatStream stream = reply.stream()) {
                    assertThat(stream.next()).isPresent();
                }
                sb.ledger().orElseThrow().flush().get();
                assertThat(sb.ledger().orElseThrow().find(id)).as(model).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo("client_closed"));
            }
        }
    }

    /**
     * Closing a split stream releases the upstream calls of the parts still running at once: a simulated model that
     * takes 10 s to its first token, or stalls 10 s after one, has no call in flight within a fraction of that, and the
     * interrupted calls are not held against the deployment.
     */
    @Test
    void closingASplitStreamReleasesThePartsUpstreamCallsAtOnce() throws Exception {
        // How slow, and how many first chunks have arrived when the stream is closed.
        Map<String, Integer> slowModels = Map.of("{time-to-first-token: 10s}", 0, "{stall-after-tokens: 1, stall-for: 10s}", 2);
        for (String slow : slowModels.keySet()) {
            String yaml = YAML.replace("simulated/llama3.2}", "simulated/llama3.2, simulation: " + slow + "}");
            try (Switchboard sb = Switchboard.create(new ConfigLoader(System::getenv, Switchboard.availableProviders())
                    .parse(yaml, "test"))) {
                try (ChatStream stream = openSplitStream(sb, "slow-split")) {
                    assertThat(stream.next()).as("the plan").isPresent();
                    assertThat(callsWithin(sb, 2, slowModels.get(slow), 10_000)).as("%s: both parts wait on the model", slow)
                            .isTrue();
                }
                assertThat(callsWithin(sb, 0, 0, 3_000)).as("%s: no call in flight well before the 10 s", slow).isTrue();
                assertThat(sb.deploymentHealth().snapshot()).allSatisfy(h -> {
                    assertThat(h.failures()).isZero();
                    assertThat(h.available()).isTrue();
                });
            }
        }
    }

    /** A two-part switchboard/auto request, streamed, as the engine answers it. */
    private static ChatStream openSplitStream(Switchboard sb, String requestId) {
        ChatRequest request = ChatRequest.builder("switchboard/auto").message(Message.user(
                "Summarise the CAP theorem and also write a Python function that reverses a list.")).build().withStream(true);
        var reply = (dev.switchboard.core.pipeline.Reply.Streaming) sb.handle(
                sb.newExchange(request, dev.switchboard.core.pipeline.Credentials.IN_PROCESS, requestId));
        return reply.stream();
    }

    /** The same over HTTP: both parts' upstream requests stalled after one event are aborted, not read on. */
    @Test
    void closingASplitStreamAbortsThePartsStalledUpstreamRequests() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.openAi()) {
            upstream.enqueue(Fault.stallAfter(1)).enqueue(Fault.stallAfter(1));
            String yaml = """
                    model_list:
                      - model_name: gpt-4o-mini
                        litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-up}
                    switchboard:
                      ledger: {store: none}
                    """.formatted(upstream.apiBase());
            try (Switchboard sb = Switchboard.create(new ConfigLoader(System::getenv, Switchboard.availableProviders())
                    .parse(yaml, "test"))) {
                try (ChatStream stream = openSplitStream(sb, "stalled-split")) {
                    assertThat(stream.next()).as("the plan").isPresent();
                    assertThat(callsWithin(sb, 2, 2, 10_000)).as("both parts have a first chunk and wait for more").isTrue();
                }
                assertThat(callsWithin(sb, 0, 0, 3_000)).as("no call in flight well before the stall ends").isTrue();
                assertThat(upstream.requests()).hasSize(2);
                assertThat(sb.deploymentHealth().snapshot()).allSatisfy(h -> assertThat(h.failures()).isZero());
            }
        }
    }

    /**
     * Whether, within {@code millis}, the calls in flight across all deployments are {@code inFlight} and at least
     * {@code answered} calls have had their first chunk.
     */
    private static boolean callsWithin(Switchboard sb, int inFlight, int answered, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (sb.deploymentHealth().snapshot().stream().mapToInt(h -> h.inFlight()).sum() != inFlight
                || sb.deploymentHealth().snapshot().stream().mapToLong(h -> h.successes()).sum() < answered) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * A split stream closed before its end: every part is in the ledger, marked client_closed, the ones not yet streamed
     * (still running, or done and waiting their turn) as well as the one being streamed.
     */
    @Test
    void aSplitStreamClosedBeforeItsEndHasEveryPartInTheLedger(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (Switchboard sb = Switchboard.create(slowTiersWithALedgerIn(dir))) {
            ChatRequest request = ChatRequest.builder("switchboard/auto").message(Message.user(
                    "Summarise the CAP theorem and also write a Python function that reverses a list.")).build().withStream(true);
            for (int read : List.of(1, 3)) { // the plan only; the first part's heading and some of its answer
                String id = "closed-split-" + read;
                var reply = (dev.switchboard.core.pipeline.Reply.Streaming) sb.handle(
                        sb.newExchange(request, dev.switchboard.core.pipeline.Credentials.IN_PROCESS, id));
                try (ChatStream stream = reply.stream()) {
                    for (int i = 0; i < read; i++) assertThat(stream.next()).isPresent();
                }
                sb.ledger().orElseThrow().flush().get();
                assertThat(sb.ledger().orElseThrow().find(id)).as("read %d", read).hasSize(2)
                        .allSatisfy(r -> assertThat(r.status()).isEqualTo("client_closed"))
                        .extracting(r -> r.partIndex()).containsExactly(0, 1);
            }
        }
    }
}
