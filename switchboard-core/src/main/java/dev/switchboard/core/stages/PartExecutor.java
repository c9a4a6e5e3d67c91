package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Answers one routed request from its planned parts: a request routed as one task gets the model's own answer
 * ({@link OneTaskReply}); a split one runs its parts concurrently ({@link PartRunner}) and merges them, as one
 * response ({@link MergedAnswer}) or as one stream in prompt order ({@link OrderedPartStream}). {@link PartRecorder}
 * keeps each part's report and the ledger's rows.
 */
final class PartExecutor {
    private final Exchange parent;
    private final ChatRequest request;
    private final List<DecomposeStage.PartRun> runs;
    private final Chain next;
    private final Ticker ticker;
    private final PartRecorder recorder;
    private final PartRunner runner;
    private final RoutedAnswerFormat format;
    private final int maxAnswerChars;

    PartExecutor(Exchange parent, ChatRequest request, List<DecomposeStage.PartRun> runs, Chain next, SpendCalculator spend,
            Ticker ticker, ExecutorService pool, int maxAnswerChars) {
        this.maxAnswerChars = maxAnswerChars;
        this.parent = parent;
        this.request = request;
        this.runs = runs;
        this.next = next;
        this.ticker = ticker;
        this.recorder = new PartRecorder(parent, spend, ticker);
        this.runner = new PartRunner(parent, request, runs, next, recorder, ticker, pool, maxAnswerChars);
        this.format = new RoutedAnswerFormat("chatcmpl-" + parent.requestId(), ticker.epochSeconds(), runs.size());
    }

    Reply complete(ObjectNode extension) {
        if (runs.size() == 1) return oneTask(extension);
        List<PartOutcome> outcomes = runner.awaitAll(runner.start(null));
        if (outcomes.stream().noneMatch(PartOutcome::succeeded)) {
            recorder.rows(outcomes);
            throw outcomes.getFirst().error().orElseThrow();
        }
        Reply merged = new Reply.Complete(MergedAnswer.of(outcomes, format));
        recorder.record(outcomes, extension, true);
        return merged;
    }

    Reply stream(ObjectNode extension) {
        if (runs.size() == 1) return oneTask(extension);
        return new Reply.Streaming(new OrderedPartStream(parent, request, runs, runner, recorder, format, ticker, extension));
    }

    private Reply oneTask(ObjectNode extension) {
        DecomposeStage.PartRun run = runs.getFirst();
        return OneTaskReply.of(run, runner.child(run, request), next, recorder, format, ticker, extension, maxAnswerChars);
    }
}
