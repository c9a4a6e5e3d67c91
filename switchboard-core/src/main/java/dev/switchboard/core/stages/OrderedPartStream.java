package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A split answer as one stream: the plan event, then each part in prompt order — a part follows as soon as the parts
 * before it are done, while later ones buffer in their feeds — then the summary. A part that fails is reported in its
 * own section; the others still arrive. Closed before its end, it stops the parts still running: their upstream calls
 * end then, not when their model next sends something.
 */
final class OrderedPartStream implements ChatStream {
    private final Exchange parent;
    private final ChatRequest request;
    private final List<DecomposeStage.PartRun> runs;
    private final PartRunner runner;
    private final PartRecorder recorder;
    private final RoutedAnswerFormat format;
    private final Ticker ticker;
    private final ObjectNode plan;
    private final PartFeeds feeds;
    private final List<CompletableFuture<PartOutcome>> futures;
    private int part = -1;
    private boolean headingSent;
    private PartFeeds.Item pending;
    private Usage usageLeft;
    private boolean finished;
    private final List<PartOutcome> outcomes = new ArrayList<>();
    private Optional<ObjectNode> current = Optional.empty();

    /** Starts the parts: they run while the stream is read. */
    OrderedPartStream(Exchange parent, ChatRequest request, List<DecomposeStage.PartRun> runs, PartRunner runner,
            PartRecorder recorder, RoutedAnswerFormat format, Ticker ticker, ObjectNode extension) {
        this.parent = parent;
        this.request = request;
        this.runs = runs;
        this.runner = runner;
        this.recorder = recorder;
        this.format = format;
        this.ticker = ticker;
        // Copied before any part runs: a running part writes its result into its report, which the plan holds.
        this.plan = extension.deepCopy().put("event", "plan");
        this.feeds = new PartFeeds(runs.size());
        this.futures = runner.start(feeds);
    }

    @Override
    public Optional<ChatChunk> next() {
        if (finished) {
            if (usageLeft == null) return Optional.empty();
            // Usage last, on a chunk of its own with no choices, as OpenAI ends a stream with include_usage.
            current = Optional.empty();
            ChatChunk usage = new ChatChunk(format.id(), format.created(), RoutedAnswerFormat.MODEL, List.of(),
                    Optional.of(usageLeft), Optional.empty());
            usageLeft = null;
            return Optional.of(usage);
        }
        if (part < 0) {
            part = 0;
            current = Optional.of(plan);
            return Optional.of(format.chunk(ChunkChoice.role(0, Role.ASSISTANT)));
        }
        while (part < runs.size()) {
            DecomposeStage.PartRun run = runs.get(part);
            PartFeeds.Item item = pending != null ? pending : take(part);
            pending = null;
            if (!headingSent) {
                // Sent with the part's first news, not before: by then the heading can name the model that answers.
                headingSent = true;
                String heading = (part > 0 ? "\n\n" : "") + format.heading(run);
                if (!heading.isEmpty()) {
                    pending = item;
                    return partChunk(heading);
                }
            }
            switch (item) {
                case PartFeeds.Item.Content c -> {
                    return partChunk(c.text());
                }
                case PartFeeds.Item.Done d -> {
                    outcomes.add(d.outcome());
                    // A part that broke mid-answer: its note starts a paragraph of its own.
                    String note = d.outcome().succeeded() ? "" : "\n\n" + RoutedAnswerFormat.failure(d.outcome().error().get());
                    part++;
                    headingSent = false;
                    current = Optional.of(RoutedAnswerFormat.partDone(run));
                    return Optional.of(note.isEmpty() ? format.chunk(null)
                            : format.chunk(ChunkChoice.content(0, note)));
                }
            }
        }
        finished = true;
        Usage total = outcomes.stream().map(o -> o.usage().orElse(Usage.ZERO)).reduce(Usage.ZERO, Usage::plus);
        ObjectNode summary = Json.object().put("event", "summary");
        recorder.record(outcomes, summary, false); // before the stream ends: the ledger reads the outcomes then
        current = Optional.of(summary);
        boolean truncated = outcomes.stream().anyMatch(o -> o.finishReason().orElse(FinishReason.STOP) == FinishReason.LENGTH);
        usageLeft = total;
        return Optional.of(format.chunk(ChunkChoice.finish(0, truncated ? FinishReason.LENGTH : FinishReason.STOP)));
    }

    /** The part's next news; an interrupted wait stops every part, and the ledger gets them all. */
    private PartFeeds.Item take(int index) {
        try {
            return feeds.take(index);
        } catch (InterruptedException e) {
            List<PartOutcome> all = runner.stopAll(futures);
            outcomes.clear();
            outcomes.addAll(all);
            recorder.rows(all); // read when the stream's end is seen
            throw parent.context().cutReason().orElseGet(
                    () -> new GatewayException.UpstreamTimeout("interrupted while waiting for part " + (index + 1)));
        }
    }

    private Optional<ChatChunk> partChunk(String text) {
        current = Optional.of(Json.object().put("part", part));
        return Optional.of(format.chunk(ChunkChoice.content(0, text)));
    }

    @Override
    public Optional<ObjectNode> extension() {
        return current;
    }

    @Override
    public void close() {
        feeds.cancel();
        if (finished) return;
        // Closed before its end: every part is in the ledger, the ones not streamed to the end as well.
        List<PartOutcome> all = new ArrayList<>(outcomes);
        for (int i = outcomes.size(); i < runs.size(); i++) all.add(leftBehind(i));
        recorder.rows(all);
        runner.abandon(); // after the rows: they keep each part as it stood when the client left
    }

    /**
     * A part the client left before it was streamed to the end, as it stands: client_closed with the usage it had
     * (a part that failed keeps its error; one that never started had none).
     */
    private PartOutcome leftBehind(int i) {
        DecomposeStage.PartRun run = runs.get(i);
        Optional<PartOutcome> ended = i == part && pending instanceof PartFeeds.Item.Done d ? Optional.of(d.outcome())
                : feeds.outcome(i);
        GatewayException closed = new GatewayException.ClientClosed();
        if (ended.isPresent()) {
            PartOutcome o = ended.get();
            return o.succeeded() ? new PartOutcome(o.run(), o.child(), o.content(), o.usage(), o.finishReason(),
                    Optional.of(closed), o.latencyNanos(), o.deploymentId()) : o;
        }
        Optional<PartFeeds.Progress> p = feeds.progress(i);
        Exchange child = p.map(PartFeeds.Progress::child)
                .orElseGet(() -> runner.child(run, DecomposeStage.partRequest(request, run.task().text(), runs.size())));
        return recorder.outcome(run, child, "", p.flatMap(PartFeeds.Progress::usage), Optional.empty(), closed,
                p.map(PartFeeds.Progress::startNanos).orElse(ticker.nanoTime()));
    }
}
