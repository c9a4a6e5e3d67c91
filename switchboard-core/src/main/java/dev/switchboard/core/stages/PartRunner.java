package dev.switchboard.core.stages;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.BufferedBytes;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.reliability.TokenEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Runs the parts of one decomposed request, each down the rest of the pipeline on its own virtual thread; a part that
 * depends on an earlier one starts when that one is done and receives its answer. When streaming, each part's chunks
 * go to its feed as they arrive.
 *
 * <p>A request interrupted while it waits for its parts — the gateway cutting it short at shutdown — stops
 * them (their model calls are interrupted, parts not yet started do not start) and still waits for their
 * outcomes, so every part is in the ledger before the request ends, failed with the cut's reason.
 */
final class PartRunner {
    private final Exchange parent;
    private final ChatRequest request;
    private final List<DecomposeStage.PartRun> runs;
    private final Chain next;
    private final PartRecorder recorder;
    private final Ticker ticker;
    private final ExecutorService pool;
    private final int maxAnswerChars;
    /** The parts running now, by the thread running each, for {@link #stopAll} and {@link #abandon}. */
    private final Map<Thread, Exchange> running = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    PartRunner(Exchange parent, ChatRequest request, List<DecomposeStage.PartRun> runs, Chain next, PartRecorder recorder,
            Ticker ticker, ExecutorService pool, int maxAnswerChars) {
        this.maxAnswerChars = maxAnswerChars;
        this.parent = parent;
        this.request = request;
        this.runs = runs;
        this.next = next;
        this.recorder = recorder;
        this.ticker = ticker;
        this.pool = pool;
    }

    /**
     * Starts every part; a part that depends on an earlier one starts when that one is done and receives
     * its answer. {@code feeds} (null when not streaming) receives streamed chunks when streaming.
     */
    List<CompletableFuture<PartOutcome>> start(PartFeeds feeds) {
        List<CompletableFuture<PartOutcome>> futures = new ArrayList<>();
        // Each part's answer is held in the request's room, as the request's own would be.
        BufferedBytes.Holder room = BufferedBytes.current();
        for (DecomposeStage.PartRun run : runs) {
            CompletableFuture<Optional<String>> before = run.task().dependsOn()
                    .map(k -> futures.get(k).thenApply(o -> o.succeeded() ? Optional.of(o.content()) : Optional.<String>empty()))
                    .orElse(CompletableFuture.completedFuture(Optional.empty()));
            futures.add(before.thenApplyAsync(earlier -> BufferedBytes.with(room, () -> execute(run, earlier, feeds)), pool));
        }
        return futures;
    }

    /** Every part's outcome, once all are done; an interrupted wait stops the parts first. */
    List<PartOutcome> awaitAll(List<CompletableFuture<PartOutcome>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            return stopAll(futures);
        } catch (ExecutionException e) {
            // a part that threw is rethrown by join, below
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    /** Stops the parts still running, waits for every part's outcome and keeps the caller's interrupt. */
    List<PartOutcome> stopAll(List<CompletableFuture<PartOutcome>> futures) {
        stopped = true;
        running.keySet().forEach(Thread::interrupt);
        List<PartOutcome> outcomes = futures.stream().map(CompletableFuture::join).toList();
        Thread.currentThread().interrupt();
        return outcomes;
    }

    /**
     * Stops the parts still running because the reader of their stream left, without waiting for them. Each part's
     * exchange is cut, so it starts no further call and its failure is not held against the deployment, and its thread
     * is interrupted: that ends the wait on a slow upstream and drops its connection now, not at its next chunk.
     */
    void abandon() {
        GatewayException closed = new GatewayException.ClientClosed();
        running.forEach((thread, child) -> {
            child.context().cut(closed);
            thread.interrupt();
        });
    }

    /**
     * The exchange a part runs in: its own request id under the parent's, and the plan made for it. When the part sends
     * the prompt it was planned for, the router's count of it goes along, so the stages after it do not count it again;
     * a part given an earlier part's answer sends another prompt, which they count.
     */
    Exchange child(DecomposeStage.PartRun run, ChatRequest partRequest) {
        Exchange child = parent.child(parent.requestId() + "." + run.task().order(), partRequest).withPlan(run.plan());
        run.plan().decision().ifPresent(d -> {
            ChatRequest planned = DecomposeStage.partRequest(request, run.task().text(), runs.size());
            if (partRequest.messages().equals(planned.messages())) TokenEstimate.counted(child, d.promptTokens());
        });
        return child;
    }

    private PartOutcome execute(DecomposeStage.PartRun run, Optional<String> earlier, PartFeeds feeds) {
        String text = earlier.map(answer -> run.task().text() + "\n\nThe earlier step produced this result; use it:\n\n" + answer)
                .orElse(run.task().text());
        ChatRequest partRequest = DecomposeStage.partRequest(request, text, runs.size()).withStream(feeds != null);
        Exchange child = child(run, partRequest);
        long start = ticker.nanoTime();
        Thread self = Thread.currentThread();
        // Before looking at cancelled and stopped: abandon() and stopAll() either see this part or it sees them.
        running.put(self, child);
        try {
            if (feeds != null) {
                feeds.started(run, child, start);
                // Checked after started(): the merged stream's close either sees this part under way or keeps it from the model.
                if (feeds.cancelled()) {
                    return recorder.outcome(run, child, "", Optional.empty(), Optional.empty(),
                            new GatewayException.ClientClosed(), start);
                }
            }
            if (stopped) {
                throw new GatewayException.UpstreamTimeout("interrupted before part " + (run.task().order() + 1) + " started");
            }
            Reply reply = next.proceed(child);
            return switch (reply) {
                case Reply.Complete c -> {
                    PartOutcome done = recorder.outcome(run, child, c.response().text(), c.response().usage(),
                            c.response().finishReason(), null, start);
                    if (feeds != null) feeds.replay(run, c.response()); // after outcome(): the heading names who answered
                    yield done;
                }
                case Reply.Streaming s -> drain(run, child, s.stream(), start, feeds);
                case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat part");
            };
        } catch (GatewayException e) {
            PartOutcome failed = recorder.outcome(run, child, "", Optional.empty(), Optional.empty(), e, start);
            if (feeds != null) feeds.failed(run, failed);
            return failed;
        } finally {
            running.remove(self);
        }
    }

    /** Reads a part's stream to the end, passing content on to the merged stream when there is one. */
    private PartOutcome drain(DecomposeStage.PartRun run, Exchange child, ChatStream stream, long start, PartFeeds feeds) {
        StringBuilder content = new StringBuilder();
        Usage usage = null;
        FinishReason finish = null;
        try (stream) {
            Optional<ChatChunk> c;
            while ((c = stream.next()).isPresent()) {
                ChatChunk chunk = c.get();
                if (chunk.usage().isPresent()) {
                    usage = chunk.usage().get();
                    if (feeds != null) feeds.usage(run, usage);
                }
                for (ChunkChoice choice : chunk.choices()) {
                    if (choice.index() != 0) continue;
                    choice.content().ifPresent(content::append);
                    // Gathered until its turn comes, so bounded as an answer read whole is.
                    if (content.length() > maxAnswerChars) throw tooLong(run, maxAnswerChars);
                    if (choice.finishReason().isPresent()) finish = choice.finishReason().get();
                    if (feeds != null && choice.content().filter(t -> !t.isEmpty()).isPresent()) {
                        if (content.length() == choice.content().get().length()) recorder.answeredBy(run, child); // for its heading
                        feeds.content(run, choice.content().get());
                    }
                }
                if (feeds != null && feeds.cancelled()) break;
            }
        } catch (GatewayException e) {
            PartOutcome failed = recorder.outcome(run, child, content.toString(), Optional.ofNullable(usage), Optional.empty(),
                    e, start);
            if (feeds != null) feeds.failed(run, failed);
            return failed;
        }
        PartOutcome done = recorder.outcome(run, child, content.toString(), Optional.ofNullable(usage),
                Optional.ofNullable(finish), null, start);
        if (feeds != null) feeds.done(run, done);
        return done;
    }

    static GatewayException.UpstreamError tooLong(DecomposeStage.PartRun run, int maxAnswerChars) {
        return new GatewayException.UpstreamError("part " + (run.task().order() + 1) + "'s streamed answer passed "
                + maxAnswerChars + " characters (switchboard.upstream.max-response-bytes)", 502, null);
    }
}
