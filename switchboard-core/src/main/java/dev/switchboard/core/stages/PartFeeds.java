package dev.switchboard.core.stages;

import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Exchange;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One queue per part between the threads running the parts and the merged stream reading them in
 * prompt order: later parts buffer while earlier ones stream. Each part's progress is kept beside it, for the ledger
 * when the client leaves before the part is streamed.
 */
final class PartFeeds {
    sealed interface Item {
        record Content(String text) implements Item {}

        record Done(PartOutcome outcome) implements Item {}
    }

    /** A part under way: the exchange it runs in, when it started, and the usage it has reported so far. */
    record Progress(Exchange child, long startNanos, Optional<Usage> usage) {}

    private final LinkedBlockingQueue<Item>[] queues;
    private final AtomicReferenceArray<Progress> progress;
    private volatile boolean cancelled;

    @SuppressWarnings("unchecked")
    PartFeeds(int parts) {
        queues = new LinkedBlockingQueue[parts];
        for (int i = 0; i < parts; i++) {
            queues[i] = new LinkedBlockingQueue<>();
        }
        progress = new AtomicReferenceArray<>(parts);
    }

    void started(DecomposeStage.PartRun run, Exchange child, long startNanos) {
        progress.set(run.task().order(), new Progress(child, startNanos, Optional.empty()));
    }

    void usage(DecomposeStage.PartRun run, Usage usage) {
        progress.updateAndGet(run.task().order(), p -> new Progress(p.child(), p.startNanos(), Optional.of(usage)));
    }

    /** The part's progress; empty when it has not started. */
    Optional<Progress> progress(int part) {
        return Optional.ofNullable(progress.get(part));
    }

    void content(DecomposeStage.PartRun run, String text) {
        put(run, new Item.Content(text));
    }

    void done(DecomposeStage.PartRun run, PartOutcome outcome) {
        put(run, new Item.Done(outcome));
    }

    void failed(DecomposeStage.PartRun run, PartOutcome outcome) {
        put(run, new Item.Done(outcome));
    }

    /** A part that answered whole (e.g. from a cache) is fed as one piece of content. */
    void replay(DecomposeStage.PartRun run, ChatResponse response) {
        if (!response.text().isEmpty()) content(run, response.text());
    }

    private void put(DecomposeStage.PartRun run, Item item) {
        queues[run.task().order()].add(item);
    }

    Item take(int part) throws InterruptedException {
        return queues[part].take();
    }

    /** How the part ended, when it has and its end is still queued; never waits. */
    Optional<PartOutcome> outcome(int part) {
        for (Item item : queues[part]) if (item instanceof Item.Done d) return Optional.of(d.outcome());
        return Optional.empty();
    }

    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }
}
