package dev.switchboard.core.stages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Attributes;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.routing.ModelRegistry;
import dev.switchboard.core.routing.PriceCatalogue;
import dev.switchboard.core.routing.TaskSplitter;
import dev.switchboard.core.wire.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The routed model's answers, merged or passed through, against a scripted model. */
class PartExecutorTest {
    static final Deployment MODEL = new Deployment("m-1", "m", "openai", "m-upstream",
            Optional.of(URI.create("http://upstream.test")), Optional.empty(), Map.of(), JsonNodeFactory.instance.objectNode(),
            OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT,
            new ModelInfo(OptionalInt.empty(), Optional.empty(), Set.of(), 128_000, 4096, Prices.FREE, "chat", Optional.empty()));

    private static DecomposeStage stage() {
        return stage(1 << 20);
    }

    private static DecomposeStage stage(int maxAnswerChars) {
        RoutingSettings settings = RoutingSettings.defaults();
        return new DecomposeStage(settings, new TaskSplitter(settings),
                exchange -> Optional.of(new RoutePlan(List.of(MODEL), "test", "the only model")),
                new SpendCalculator(List.of(MODEL), new ModelRegistry(List.of(MODEL), PriceCatalogue.builtIn())), Ticker.SYSTEM,
                maxAnswerChars);
    }

    private static Exchange exchange(String prompt) {
        ChatRequest request = ChatRequest.builder("switchboard/auto").message(Message.user(prompt)).build().withStream(true);
        return Exchange.of("req-1", request, Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
    }

    private static List<ChatChunk> drain(ChatStream stream) {
        List<ChatChunk> out = new ArrayList<>();
        try (stream) {
            Optional<ChatChunk> c;
            while ((c = stream.next()).isPresent()) out.add(c.get());
        }
        return out;
    }

    /** A one-task stream passes every chunk on; its outcome keeps at most the answer bound of its text, not all of it. */
    @Test
    void aOneTaskStreamGathersAtMostTheAnswerBoundForItsOutcome() {
        Chain model = exchange -> new Reply.Streaming(ChatStream.of(List.of(
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.content(0, "0123456789")),
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.content(0, "ABCDEF")),
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.finish(0, FinishReason.STOP)))));
        Exchange exchange = exchange("What is DNS?");

        List<ChatChunk> chunks = drain(((Reply.Streaming) stage(12).apply(exchange, model)).stream());

        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.content().stream()))
                .containsExactly("0123456789", "ABCDEF");
        List<PartOutcome> outcomes = exchange.context().get(DecomposeStage.PART_OUTCOMES).orElseThrow();
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.content()).isEqualTo("0123456789AB");
            assertThat(o.succeeded()).isTrue();
        });
    }

    /**
     * A split stream's part waits for its turn gathered in memory, so one whose text passes the answer bound ends as
     * failed (its upstream closed), with the note a failed part gets; the other part is unaffected.
     */
    @Test
    void aSplitStreamPartPastTheAnswerBoundFailsWithItsNote() {
        List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Chain model = exchange -> {
            if (exchange.requestId().endsWith(".0")) {
                return new Reply.Streaming(ChatStream.of(List.of(
                        ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.content(0, "CAP: pick two.")))));
            }
            return new Reply.Streaming(ChatStream.of(List.of(
                    ChatChunk.of("up-2", 1, "m-upstream", ChunkChoice.content(0, "def rev(xs):")),
                    ChatChunk.of("up-2", 1, "m-upstream", ChunkChoice.content(0, " return xs[::-1]")),
                    ChatChunk.of("up-2", 1, "m-upstream", ChunkChoice.content(0, " # never reached")))).onEnd(t -> closed.add("2")));
        };
        Exchange exchange = exchange("Summarise the CAP theorem and also write a Python function that reverses a list.");

        String text = drain(((Reply.Streaming) stage(20).apply(exchange, model)).stream()).stream()
                .flatMap(c -> c.choices().stream()).flatMap(c -> c.content().stream()).reduce("", String::concat);

        assertThat(text).contains("CAP: pick two.").contains("This part failed:").contains("(switchboard.upstream.max-response-bytes)")
                .doesNotContain("never reached");
        List<PartOutcome> outcomes = exchange.context().get(DecomposeStage.PART_OUTCOMES).orElseThrow();
        assertThat(outcomes.get(0).succeeded()).isTrue();
        assertThat(outcomes.get(1).error()).hasValueSatisfying(e -> assertThat(e.getMessage()).contains("passed 20 characters"));
        assertThat(closed).as("the part's upstream stream was closed").containsExactly("2");
    }

    /** The usage-only chunk moves to the end of a one-task stream with what else it carried (OpenAI's service_tier). */
    @Test
    void aOneTaskStreamEndsWithTheUpstreamsUsageChunkWholeFieldsAndAll() {
        ChatChunk usage = new ChatChunk("up-1", 1, "m-upstream", List.of(), Optional.of(Usage.of(10, 5)), Optional.of("fp_1"),
                Optional.of(Json.object().put("service_tier", "default")));
        Chain model = exchange -> new Reply.Streaming(ChatStream.of(List.of(
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.role(0, Role.ASSISTANT)),
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.content(0, "Names to addresses.")),
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.finish(0, FinishReason.STOP)),
                usage)));

        List<ChatChunk> chunks = drain(((Reply.Streaming) stage().apply(exchange("What is DNS?"), model)).stream());

        ChatChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).contains(Usage.of(10, 5));
        assertThat(last.systemFingerprint()).contains("fp_1");
        assertThat(last.extras()).contains(Json.object().put("service_tier", "default"));
        assertThat(last.model()).isEqualTo("switchboard/auto");
    }

    /**
     * A split stream closed after its plan: the first part had answered (usage and all) and waited its turn, the second
     * was still answering. Both are in the ledger's outcomes as client_closed, each with the usage it had.
     */
    @Test
    void aSplitStreamClosedEarlyLeavesEveryPartInTheOutcomesAsClientClosed() throws InterruptedException {
        CountDownLatch firstAnswered = new CountDownLatch(1);
        CountDownLatch secondAnswering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Chain model = exchange -> {
            if (exchange.requestId().endsWith(".0")) {
                return new Reply.Streaming(ChatStream.of(List.of(
                        ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.content(0, "CAP: pick two.")),
                        ChatChunk.usage("up-1", 1, "m-upstream", Usage.of(10, 5)))).onEnd(t -> firstAnswered.countDown()));
            }
            secondAnswering.countDown();
            return new Reply.Streaming(stalledAfter(ChatChunk.of("up-2", 1, "m-upstream", ChunkChoice.content(0, "def")), release));
        };
        Exchange exchange = exchange("Summarise the CAP theorem and also write a Python function that reverses a list.");
        ChatStream merged = ((Reply.Streaming) stage().apply(exchange, model)).stream();

        assertThat(merged.next()).as("the plan").isPresent();
        assertThat(firstAnswered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(secondAnswering.await(10, TimeUnit.SECONDS)).isTrue();
        merged.close();
        release.countDown();

        List<PartOutcome> outcomes = exchange.context().get(DecomposeStage.PART_OUTCOMES).orElseThrow();
        assertThat(outcomes).extracting(o -> o.run().task().order()).containsExactly(0, 1);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).containsInstanceOf(GatewayException.ClientClosed.class));
        assertThat(outcomes.get(0).usage()).contains(Usage.of(10, 5));
        assertThat(outcomes.get(1).usage()).isEmpty();
    }

    /**
     * A split stream's plan is the plan: copied before any part runs. Copied when the client first read, it raced the
     * parts writing their results into the reports it holds (a ConcurrentModificationException, now and then, from a
     * fast model), and a part done by then showed its result in the plan.
     */
    @Test
    void theStreamsPlanIsTakenBeforeAnyPartWritesItsResult() throws InterruptedException {
        Chain model = exchange -> new Reply.Streaming(ChatStream.of(List.of(
                ChatChunk.of("up", 1, "m-upstream", ChunkChoice.content(0, "done")),
                ChatChunk.usage("up", 1, "m-upstream", Usage.of(10, 5)))));
        Exchange exchange = exchange("Summarise the CAP theorem and also write a Python function that reverses a list.");
        ChatStream merged = ((Reply.Streaming) stage().apply(exchange, model)).stream();
        JsonNode reports = exchange.context().get(Attributes.RESPONSE_EXTENSION).orElseThrow().get("parts");
        assertThat(reports).hasSize(2);
        for (JsonNode report : reports) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!written(report) && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(written(report)).as("the part's result, written while nobody read").isTrue();
        }

        try (merged) {
            assertThat(merged.next()).isPresent();
            JsonNode plan = merged.extension().orElseThrow();
            assertThat(plan.get("event").asText()).isEqualTo("plan");
            assertThat(plan.get("parts")).hasSize(2).allSatisfy(p -> {
                assertThat(p.has("model")).isTrue();
                assertThat(p.has("latency_ms")).as("a result in the plan").isFalse();
            });
        }
    }

    /** Whether a part has written its result into {@code report}; parts write under its lock. */
    private static boolean written(JsonNode report) {
        synchronized (report) {
            return report.has("latency_ms");
        }
    }

    /**
     * Closing a split stream stops the parts still running at once, rather than when their upstream next answers: one
     * part waiting for its model's first chunk, one stalled mid-answer, each for up to 10 s. Both waits end well before.
     */
    @Test
    void closingASplitStreamStopsThePartsStillWaitingOnTheirUpstream() throws InterruptedException {
        CountDownLatch waiting = new CountDownLatch(2);
        CountDownLatch stopped = new CountDownLatch(2);
        CountDownLatch neverReleased = new CountDownLatch(1);
        Chain model = exchange -> {
            if (exchange.requestId().endsWith(".0")) { // no first chunk yet: the call itself waits
                waiting.countDown();
                waitLikeASlowUpstream(neverReleased, stopped);
                throw new IllegalStateException("the slow first chunk was not interrupted");
            }
            ChatStream stalled = new ChatStream() {
                private boolean sent;

                @Override
                public Optional<ChatChunk> next() {
                    if (!sent) {
                        sent = true;
                        return Optional.of(ChatChunk.of("up-2", 1, "m-upstream", ChunkChoice.content(0, "def")));
                    }
                    waiting.countDown();
                    waitLikeASlowUpstream(neverReleased, stopped);
                    return Optional.empty();
                }

                @Override
                public void close() {}
            };
            return new Reply.Streaming(stalled);
        };
        Exchange exchange = exchange("Summarise the CAP theorem and also write a Python function that reverses a list.");
        ChatStream merged = ((Reply.Streaming) stage().apply(exchange, model)).stream();
        assertThat(merged.next()).as("the plan").isPresent();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).as("both parts wait on their upstream").isTrue();

        merged.close();

        assertThat(stopped.await(3, TimeUnit.SECONDS)).as("both parts stopped well before the 10 s stall").isTrue();
        assertThat(exchange.context().get(DecomposeStage.PART_OUTCOMES).orElseThrow())
                .allSatisfy(o -> assertThat(o.error()).containsInstanceOf(GatewayException.ClientClosed.class));
    }

    /** Waits up to 10 s for {@code latch}, as a slow upstream would; an interrupt ends the wait as a transport's read ends. */
    private static void waitLikeASlowUpstream(CountDownLatch latch, CountDownLatch stopped) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
            throw new GatewayException.ConnectionFailed("interrupted while calling upstream.test", e);
        }
    }

    /** A stream that sends {@code first}, then waits for {@code release} (at most 10 s) and ends. */
    private static ChatStream stalledAfter(ChatChunk first, CountDownLatch release) {
        return new ChatStream() {
            private boolean sent;

            @Override
            public Optional<ChatChunk> next() {
                if (!sent) {
                    sent = true;
                    return Optional.of(first);
                }
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Optional.empty();
            }

            @Override
            public void close() {}
        };
    }
}
