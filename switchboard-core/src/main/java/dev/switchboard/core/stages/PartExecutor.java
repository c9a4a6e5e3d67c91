package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Decimals;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Runs the parts of one decomposed request, each down the rest of the pipeline on its own virtual
 * thread, and merges them: as one response, or as one stream in which each part follows as soon as the
 * parts before it are done. A part that fails is reported in its own section; the others still arrive.
 *
 * <p>A request interrupted while it waits for its parts — the gateway cutting it short at shutdown — stops
 * them (their model calls are interrupted, parts not yet started do not start) and still waits for their
 * outcomes, so every part is in the ledger before the request ends, failed with the cut's reason.
 */
final class PartExecutor {
    static final String MODEL = "switchboard/auto";

    private final Exchange parent;
    private final ChatRequest request;
    private final List<DecomposeStage.PartRun> runs;
    private final Chain next;
    private final SpendCalculator spend;
    private final Ticker ticker;
    private final ExecutorService pool;
    private final String id;
    private final long created;
    /** The threads running parts now, for {@link #stopAll}. */
    private final Set<Thread> partThreads = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    PartExecutor(Exchange parent, ChatRequest request, List<DecomposeStage.PartRun> runs, Chain next, SpendCalculator spend,
            Ticker ticker, ExecutorService pool) {
        this.parent = parent;
        this.request = request;
        this.runs = runs;
        this.next = next;
        this.spend = spend;
        this.ticker = ticker;
        this.pool = pool;
        this.id = "chatcmpl-" + parent.requestId();
        this.created = ticker.epochSeconds();
    }

    // ---------------------------------------------------------------- complete

    Reply complete(ObjectNode extension) {
        if (runs.size() == 1) return lonePart(extension);
        List<PartOutcome> outcomes = awaitAll(schedule(null));
        if (outcomes.stream().noneMatch(PartOutcome::succeeded)) {
            parent.context().set(DecomposeStage.PART_OUTCOMES, outcomes);
            throw outcomes.getFirst().error().orElseThrow();
        }
        StringBuilder merged = new StringBuilder();
        Usage total = Usage.ZERO;
        boolean truncated = false;
        for (PartOutcome o : outcomes) {
            if (!merged.isEmpty()) merged.append("\n\n");
            merged.append(heading(o.run())).append(o.succeeded() ? o.content() : failure(o.error().get()));
            total = total.plus(o.usage().orElse(Usage.ZERO));
            truncated |= o.finishReason().orElse(FinishReason.STOP) == FinishReason.LENGTH;
        }
        record(outcomes, extension, true);
        ChatResponse response = new ChatResponse(id, created, MODEL, List.of(new Choice(0, Message.assistant(merged.toString()),
                Optional.of(truncated ? FinishReason.LENGTH : FinishReason.STOP), Optional.empty())), Optional.of(total),
                Optional.empty(), Optional.empty());
        return new Reply.Complete(response);
    }

    /**
     * Starts every part; a part that depends on an earlier one starts when that one is done and receives
     * its answer. {@code feeds} (null when not streaming) receives streamed chunks when streaming.
     */
    private List<CompletableFuture<PartOutcome>> schedule(PartFeeds feeds) {
        List<CompletableFuture<PartOutcome>> futures = new ArrayList<>();
        for (DecomposeStage.PartRun run : runs) {
            CompletableFuture<Optional<String>> before = run.task().dependsOn()
                    .map(k -> futures.get(k).thenApply(o -> o.succeeded() ? Optional.of(o.content()) : Optional.<String>empty()))
                    .orElse(CompletableFuture.completedFuture(Optional.empty()));
            futures.add(before.thenApplyAsync(earlier -> execute(run, earlier, feeds), pool));
        }
        return futures;
    }

    /** Every part's outcome, once all are done; an interrupted wait stops the parts first. */
    private List<PartOutcome> awaitAll(List<CompletableFuture<PartOutcome>> futures) {
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
    private List<PartOutcome> stopAll(List<CompletableFuture<PartOutcome>> futures) {
        stopped = true;
        partThreads.forEach(Thread::interrupt);
        List<PartOutcome> outcomes = futures.stream().map(CompletableFuture::join).toList();
        Thread.currentThread().interrupt();
        return outcomes;
    }

    private PartOutcome execute(DecomposeStage.PartRun run, Optional<String> earlier, PartFeeds feeds) {
        String text = earlier.map(answer -> run.task().text() + "\n\nThe earlier step produced this result; use it:\n\n" + answer)
                .orElse(run.task().text());
        ChatRequest partRequest = DecomposeStage.partRequest(request, text, runs.size()).withStream(feeds != null);
        Exchange child = child(run, partRequest);
        long start = ticker.nanoTime();
        if (feeds != null) {
            feeds.started(run, child, start);
            // Checked after started(): the merged stream's close either sees this part under way or keeps it from the model.
            if (feeds.cancelled()) {
                return outcome(run, child, "", Optional.empty(), Optional.empty(), new GatewayException.ClientClosed(), start);
            }
        }
        Thread self = Thread.currentThread();
        partThreads.add(self); // before looking at stopped: stopAll either sees this thread or this thread sees stopped
        try {
            if (stopped) {
                throw new GatewayException.UpstreamTimeout("interrupted before part " + (run.task().order() + 1) + " started");
            }
            Reply reply = next.proceed(child);
            return switch (reply) {
                case Reply.Complete c -> {
                    PartOutcome done = outcome(run, child, c.response().text(), c.response().usage(),
                            c.response().finishReason(), null, start);
                    if (feeds != null) feeds.replay(run, c.response()); // after outcome(): the heading names who answered
                    yield done;
                }
                case Reply.Streaming s -> drain(run, child, s.stream(), start, feeds);
                case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat part");
            };
        } catch (GatewayException e) {
            PartOutcome failed = outcome(run, child, "", Optional.empty(), Optional.empty(), e, start);
            if (feeds != null) feeds.failed(run, failed);
            return failed;
        } finally {
            partThreads.remove(self);
        }
    }

    /** The exchange a part runs in: its own request id under the parent's, and the plan made for it. */
    private Exchange child(DecomposeStage.PartRun run, ChatRequest partRequest) {
        return parent.child(parent.requestId() + "." + run.task().order(), partRequest).withPlan(run.plan());
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
                    if (choice.finishReason().isPresent()) finish = choice.finishReason().get();
                    if (feeds != null && choice.content().filter(t -> !t.isEmpty()).isPresent()) {
                        if (content.length() == choice.content().get().length()) answeredBy(run, child); // for its heading
                        feeds.content(run, choice.content().get());
                    }
                }
                if (feeds != null && feeds.cancelled()) break;
            }
        } catch (GatewayException e) {
            PartOutcome failed = outcome(run, child, content.toString(), Optional.ofNullable(usage), Optional.empty(), e, start);
            if (feeds != null) feeds.failed(run, failed);
            return failed;
        }
        PartOutcome done = outcome(run, child, content.toString(), Optional.ofNullable(usage), Optional.ofNullable(finish), null, start);
        if (feeds != null) feeds.done(run, done);
        return done;
    }

    private PartOutcome outcome(DecomposeStage.PartRun run, Exchange child, String content, Optional<Usage> usage,
            Optional<FinishReason> finish, GatewayException error, long start) {
        Optional<String> deployment = answeredBy(run, child);
        // A part failing once the gateway cut the request failed because of the cut (its call was interrupted).
        Optional<GatewayException> failure = Optional.ofNullable(error).map(e -> parent.context().cutReason().orElse(e));
        PartOutcome o = new PartOutcome(run, child, content, usage, finish, failure, ticker.nanoTime() - start, deployment);
        double cost = deployment.map(d -> spend.cost(d, usage.orElse(Usage.ZERO))).orElse(0.0);
        synchronized (run.report()) {
            RouteReport.result(run.report(), o.latencyNanos(), usage, cost, spend.topTierCost(usage.orElse(Usage.ZERO)),
                    o.error());
        }
        return o;
    }

    /** The deployment that answered a part (or was tried last), noted in its report; a fallback may differ from the plan. */
    private Optional<String> answeredBy(DecomposeStage.PartRun run, Exchange child) {
        Optional<String> deployment = SpendObserver.deploymentOf(child);
        deployment.flatMap(spend::deployment).ifPresent(d -> {
            synchronized (run.report()) {
                run.report().put("answered_by", d.id()).put("answered_model", d.modelName())
                        .put("answered_simulated", d.simulated())
                        .put("fallbacks", Math.max(0, child.context().attempts().size() - 1));
            }
        });
        return deployment;
    }

    // ---------------------------------------------------------------- stream

    Reply stream(ObjectNode extension) {
        if (runs.size() == 1) return lonePart(extension);
        PartFeeds feeds = new PartFeeds(runs.size());
        return new Reply.Streaming(new MergedStream(extension, feeds, schedule(feeds)));
    }

    /** The merged stream: the plan event, then each part in order, then the summary. */
    private final class MergedStream implements ChatStream {
        private final ObjectNode extension;
        private final PartFeeds feeds;
        private final List<CompletableFuture<PartOutcome>> futures;
        private int part = -1;
        private boolean headingSent;
        private PartFeeds.Item pending;
        private Usage usageLeft;
        private boolean finished;
        private final List<PartOutcome> outcomes = new ArrayList<>();
        private Optional<ObjectNode> current = Optional.empty();

        MergedStream(ObjectNode extension, PartFeeds feeds, List<CompletableFuture<PartOutcome>> futures) {
            this.extension = extension;
            this.feeds = feeds;
            this.futures = futures;
        }

        @Override
        public Optional<ChatChunk> next() {
            if (finished) {
                if (usageLeft == null) return Optional.empty();
                // Usage last, on a chunk of its own with no choices, as OpenAI ends a stream with include_usage.
                current = Optional.empty();
                ChatChunk usage = new ChatChunk(id, created, MODEL, List.of(), Optional.of(usageLeft), Optional.empty());
                usageLeft = null;
                return Optional.of(usage);
            }
            if (part < 0) {
                part = 0;
                ObjectNode plan = extension.deepCopy().put("event", "plan");
                current = Optional.of(plan);
                return Optional.of(chunk(ChunkChoice.role(0, dev.switchboard.core.model.Role.ASSISTANT)));
            }
            while (part < runs.size()) {
                DecomposeStage.PartRun run = runs.get(part);
                PartFeeds.Item item = pending != null ? pending : take(part);
                pending = null;
                if (!headingSent) {
                    // Sent with the part's first news, not before: by then the heading can name the model that answers.
                    headingSent = true;
                    String heading = (part > 0 ? "\n\n" : "") + heading(run);
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
                        String note = d.outcome().succeeded() ? "" : "\n\n" + failure(d.outcome().error().get());
                        part++;
                        headingSent = false;
                        current = Optional.of(partDone(run));
                        return Optional.of(note.isEmpty() ? chunk(null)
                                : chunk(ChunkChoice.content(0, note)));
                    }
                }
            }
            finished = true;
            Usage total = outcomes.stream().map(o -> o.usage().orElse(Usage.ZERO)).reduce(Usage.ZERO, Usage::plus);
            ObjectNode summary = Json.object().put("event", "summary");
            record(outcomes, summary, false); // before the stream ends: the ledger reads the outcomes then
            current = Optional.of(summary);
            boolean truncated = outcomes.stream().anyMatch(o -> o.finishReason().orElse(FinishReason.STOP) == FinishReason.LENGTH);
            usageLeft = total;
            return Optional.of(chunk(ChunkChoice.finish(0, truncated ? FinishReason.LENGTH : FinishReason.STOP)));
        }

        /** The part's next news; an interrupted wait stops every part, and the ledger gets them all. */
        private PartFeeds.Item take(int index) {
            try {
                return feeds.take(index);
            } catch (InterruptedException e) {
                List<PartOutcome> all = stopAll(futures);
                outcomes.clear();
                outcomes.addAll(all);
                parent.context().set(DecomposeStage.PART_OUTCOMES, List.copyOf(all)); // read when the stream's end is seen
                throw parent.context().cutReason().orElseGet(
                        () -> new GatewayException.UpstreamTimeout("interrupted while waiting for part " + (index + 1)));
            }
        }

        private Optional<ChatChunk> partChunk(String text) {
            current = Optional.of(Json.object().put("part", part));
            return Optional.of(chunk(ChunkChoice.content(0, text)));
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
            parent.context().set(DecomposeStage.PART_OUTCOMES, List.copyOf(all));
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
                    .orElseGet(() -> child(run, DecomposeStage.partRequest(request, run.task().text(), runs.size())));
            return outcome(run, child, "", p.flatMap(PartFeeds.Progress::usage), Optional.empty(), closed,
                    p.map(PartFeeds.Progress::startNanos).orElse(ticker.nanoTime()));
        }
    }

    // ---------------------------------------------------------------- a request routed as one task

    /**
     * A request routed as one task gets the model's answer itself, stamped with the routed id and model: every
     * choice, tool call, log-prob and finish reason as the model gave them (merging into one text is for split
     * answers only). It runs on the caller's thread, and fails before its first byte as a plain call would.
     */
    private Reply lonePart(ObjectNode extension) {
        DecomposeStage.PartRun run = runs.getFirst();
        Exchange child = child(run, request);
        long start = ticker.nanoTime();
        Reply reply;
        try {
            reply = next.proceed(child);
        } catch (GatewayException e) {
            record(List.of(outcome(run, child, "", Optional.empty(), Optional.empty(), e, start)), extension, true);
            throw e;
        }
        return switch (reply) {
            case Reply.Complete c -> {
                ChatResponse r = c.response();
                record(List.of(outcome(run, child, r.text(), r.usage(), r.finishReason(), null, start)), extension, true);
                yield new Reply.Complete(new ChatResponse(id, created, MODEL, r.choices(), r.usage(), r.systemFingerprint(),
                        r.serviceTier(), r.extras()));
            }
            case Reply.Streaming s -> new Reply.Streaming(new LoneStream(extension, run, child, s.stream(), start));
            case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat request");
        };
    }

    /** The ledger's records (read when the request or its stream ends) and the answer's cost summary. */
    private void record(List<PartOutcome> outcomes, ObjectNode target, boolean withParts) {
        parent.context().set(DecomposeStage.PART_OUTCOMES, List.copyOf(outcomes));
        summarise(target, outcomes, withParts);
    }

    /** The model's stream passed through: the plan rides on its first chunk, the summary on a last chunk of its own. */
    private final class LoneStream implements ChatStream {
        private final ObjectNode extension;
        private final DecomposeStage.PartRun run;
        private final Exchange child;
        private final ChatStream upstream;
        private final long start;
        private final StringBuilder content = new StringBuilder();
        private Usage usage;
        private FinishReason finish;
        private boolean started;
        private boolean finished;
        private PartOutcome failed;
        /** The upstream's usage-only chunk, held back to end the stream. */
        private ChatChunk usageChunk;
        private Optional<ObjectNode> current = Optional.empty();

        LoneStream(ObjectNode extension, DecomposeStage.PartRun run, Exchange child, ChatStream upstream, long start) {
            this.extension = extension;
            this.run = run;
            this.child = child;
            this.upstream = upstream;
            this.start = start;
        }

        @Override
        public Optional<ChatChunk> next() {
            if (finished) return Optional.empty();
            while (failed == null) {
                Optional<ChatChunk> next;
                try {
                    next = upstream.next();
                } catch (GatewayException e) {
                    // As in a split answer: what arrived stays, a note says the rest failed, and the stream ends normally.
                    failed = outcome(e);
                    current = Optional.of(partDone(run));
                    return Optional.of(chunk(ChunkChoice.content(0, "\n\n" + failure(e))));
                }
                if (next.isEmpty()) break;
                ChatChunk chunk = next.get();
                chunk.usage().ifPresent(u -> usage = u);
                // The usage-only chunk moves to the summary chunk, so it stays the last chunk, as OpenAI's streams end.
                if (chunk.choices().isEmpty() && chunk.usage().isPresent()) {
                    usageChunk = chunk;
                    continue;
                }
                for (ChunkChoice choice : chunk.choices()) {
                    if (choice.index() != 0) continue;
                    choice.content().ifPresent(content::append);
                    if (choice.finishReason().isPresent()) finish = choice.finishReason().get();
                }
                current = started ? Optional.empty() : Optional.of(extension.deepCopy().put("event", "plan"));
                started = true;
                return Optional.of(new ChatChunk(id, created, MODEL, chunk.choices(), chunk.usage(), chunk.systemFingerprint(),
                        chunk.extras()));
            }
            finished = true;
            ObjectNode summary = Json.object().put("event", "summary");
            record(List.of(failed != null ? failed : outcome(null)), summary, false);
            current = Optional.of(summary);
            List<ChunkChoice> end = failed != null ? List.of(ChunkChoice.finish(0, FinishReason.STOP)) : List.of();
            return Optional.of(usageChunk == null ? new ChatChunk(id, created, MODEL, end, Optional.empty(), Optional.empty())
                    : new ChatChunk(id, created, MODEL, end, usageChunk.usage(), usageChunk.systemFingerprint(),
                            usageChunk.extras()));
        }

        private PartOutcome outcome(GatewayException error) {
            return PartExecutor.this.outcome(run, child, content.toString(), Optional.ofNullable(usage),
                    Optional.ofNullable(finish), error, start);
        }

        @Override
        public Optional<ObjectNode> extension() {
            return current;
        }

        @Override
        public boolean ready() {
            return !finished && upstream.ready();
        }

        @Override
        public void close() {
            upstream.close();
            // Closed before its end: the model was called all the same, so the ledger has its row, marked as such.
            if (!finished) record(List.of(outcome(new GatewayException.ClientClosed())), Json.object(), false);
        }
    }

    // ---------------------------------------------------------------- merging

    private String heading(DecomposeStage.PartRun run) {
        if (runs.size() == 1) return "";
        String type;
        String model;
        synchronized (run.report()) {
            ObjectNode r = run.report();
            type = r.path("task_type").asText("task").replace('_', ' ');
            boolean answered = r.has("answered_model");
            model = r.path(answered ? "answered_model" : "model").asText("?")
                    + (r.path(answered ? "answered_simulated" : "simulated").asBoolean() ? " (simulated)" : "");
        }
        String title = type.isEmpty() ? "Task" : type.substring(0, 1).toUpperCase(Locale.ROOT) + type.substring(1);
        return "## " + (run.task().order() + 1) + ". " + title + " — " + model + "\n\n";
    }

    /** A chunk of the routed answer's stream: one choice delta (none when null), under the routed id and model. */
    private ChatChunk chunk(ChunkChoice choice) {
        return new ChatChunk(id, created, MODEL, choice == null ? List.of() : List.of(choice), Optional.empty(), Optional.empty());
    }

    /** The event that closes a part in a stream: its report, less the part's text that the plan already carried. */
    private static ObjectNode partDone(DecomposeStage.PartRun run) {
        ObjectNode done;
        synchronized (run.report()) {
            done = run.report().deepCopy().put("event", "part_done");
        }
        done.remove("text");
        return done;
    }

    private static String failure(GatewayException e) {
        return "> **This part failed:** " + e.getMessage() + " (" + e.type() + ", status " + e.status() + ")";
    }

    private void summarise(ObjectNode target, List<PartOutcome> outcomes, boolean withParts) {
        double cost = 0;
        double top = 0;
        for (PartOutcome o : outcomes) {
            cost += o.run().report().path("cost_usd").asDouble(0);
            top += o.run().report().path("top_tier_cost_usd").asDouble(0);
        }
        target.put("total_latency_ms", Math.round((ticker.nanoTime() - parent.startNanos()) / 1e6));
        target.put("cost_usd", Decimals.roundedUsd(cost));
        target.put("top_tier_cost_usd", Decimals.roundedUsd(top));
        target.put("savings_usd", Decimals.roundedUsd(Math.max(0, top - cost)));
        target.put("catalogue_version", spend.catalogueVersion());
        if (!withParts) {
            ArrayNode statuses = target.putArray("part_status");
            outcomes.forEach(o -> statuses.add(o.succeeded() ? "ok" : "error"));
        }
        parent.context().header("x-switchboard-cost", Decimals.usd(cost));
    }
}
