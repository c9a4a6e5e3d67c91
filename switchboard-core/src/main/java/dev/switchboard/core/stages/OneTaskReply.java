package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.wire.Json;
import java.util.List;
import java.util.Optional;

/**
 * A request routed as one task gets the model's answer itself, stamped with the routed id and model: every
 * choice, tool call, log-prob and finish reason as the model gave them (merging into one text is for split
 * answers only). It runs on the caller's thread, and fails before its first byte as a plain call would.
 */
final class OneTaskReply {
    private OneTaskReply() {}

    static Reply of(DecomposeStage.PartRun run, Exchange child, Chain next, PartRecorder recorder, RoutedAnswerFormat format,
            Ticker ticker, ObjectNode extension, int maxAnswerChars) {
        long start = ticker.nanoTime();
        Reply reply;
        try {
            reply = next.proceed(child);
        } catch (GatewayException e) {
            recorder.record(List.of(recorder.outcome(run, child, "", Optional.empty(), Optional.empty(), e, start)), extension,
                    true);
            throw e;
        }
        return switch (reply) {
            case Reply.Complete c -> {
                ChatResponse r = c.response();
                recorder.record(List.of(recorder.outcome(run, child, r.text(), r.usage(), r.finishReason(), null, start)),
                        extension, true);
                yield new Reply.Complete(new ChatResponse(format.id(), format.created(), RoutedAnswerFormat.MODEL, r.choices(),
                        r.usage(), r.systemFingerprint(), r.serviceTier(), r.extras()));
            }
            case Reply.Streaming s -> new Reply.Streaming(new Stream(extension, run, child, s.stream(), start, recorder, format,
                    maxAnswerChars));
            case Reply.Embeddings e -> throw new IllegalStateException("embeddings reply to a chat request");
        };
    }

    /** The model's stream passed through: the plan rides on its first chunk, the summary on a last chunk of its own. */
    private static final class Stream implements ChatStream {
        private final ObjectNode extension;
        private final DecomposeStage.PartRun run;
        private final Exchange child;
        private final ChatStream upstream;
        private final long start;
        private final PartRecorder recorder;
        private final RoutedAnswerFormat format;
        /** The text gathered for the part's outcome: the client gets all of it, the outcome at most its first maxAnswerChars. */
        private final StringBuilder content = new StringBuilder();
        private final int maxAnswerChars;
        private Usage usage;
        private FinishReason finish;
        private boolean started;
        private boolean finished;
        private PartOutcome failed;
        /** The upstream's usage-only chunk, held back to end the stream. */
        private ChatChunk usageChunk;
        private Optional<ObjectNode> current = Optional.empty();

        Stream(ObjectNode extension, DecomposeStage.PartRun run, Exchange child, ChatStream upstream, long start,
                PartRecorder recorder, RoutedAnswerFormat format, int maxAnswerChars) {
            this.maxAnswerChars = maxAnswerChars;
            this.extension = extension;
            this.run = run;
            this.child = child;
            this.upstream = upstream;
            this.start = start;
            this.recorder = recorder;
            this.format = format;
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
                    current = Optional.of(RoutedAnswerFormat.partDone(run));
                    return Optional.of(format.chunk(ChunkChoice.content(0, "\n\n" + RoutedAnswerFormat.failure(e))));
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
                    choice.content().ifPresent(this::gather);
                    if (choice.finishReason().isPresent()) finish = choice.finishReason().get();
                }
                current = started ? Optional.empty() : Optional.of(extension.deepCopy().put("event", "plan"));
                started = true;
                return Optional.of(new ChatChunk(format.id(), format.created(), RoutedAnswerFormat.MODEL, chunk.choices(),
                        chunk.usage(), chunk.systemFingerprint(), chunk.extras()));
            }
            finished = true;
            ObjectNode summary = Json.object().put("event", "summary");
            recorder.record(List.of(failed != null ? failed : outcome(null)), summary, false);
            current = Optional.of(summary);
            List<ChunkChoice> end = failed != null ? List.of(ChunkChoice.finish(0, FinishReason.STOP)) : List.of();
            return Optional.of(usageChunk == null
                    ? new ChatChunk(format.id(), format.created(), RoutedAnswerFormat.MODEL, end, Optional.empty(), Optional.empty())
                    : new ChatChunk(format.id(), format.created(), RoutedAnswerFormat.MODEL, end, usageChunk.usage(),
                            usageChunk.systemFingerprint(), usageChunk.extras()));
        }

        private void gather(String text) {
            content.append(text, 0, Math.min(text.length(), Math.max(0, maxAnswerChars - content.length())));
        }

        private PartOutcome outcome(GatewayException error) {
            return recorder.outcome(run, child, content.toString(), Optional.ofNullable(usage), Optional.ofNullable(finish),
                    error, start);
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
            if (!finished) recorder.record(List.of(outcome(new GatewayException.ClientClosed())), Json.object(), false);
        }
    }
}
