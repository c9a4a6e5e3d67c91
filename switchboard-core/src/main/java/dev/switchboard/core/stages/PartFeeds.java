package dev.switchboard.core.stages;

import dev.switchboard.core.model.ChatResponse;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One queue per part between the threads running the parts and the merged stream reading them in
 * prompt order: later parts buffer while earlier ones stream.
 */
final class PartFeeds {
    sealed interface Item {
        record Content(String text) implements Item {}

        record Done(PartOutcome outcome) implements Item {}
    }

    private final LinkedBlockingQueue<Item>[] queues;
    private volatile boolean cancelled;

    @SuppressWarnings("unchecked")
    PartFeeds(int parts) {
        queues = new LinkedBlockingQueue[parts];
        for (int i = 0; i < parts; i++) {
            queues[i] = new LinkedBlockingQueue<>();
        }
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

    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }
}
