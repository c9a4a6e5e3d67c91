package dev.switchboard.core.stages;

import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import java.util.List;
import java.util.Optional;

/**
 * The parts' answers merged into one response, in prompt order: each under its heading, a failed part as a note in
 * its own section; usage summed, truncated when any part was.
 */
final class MergedAnswer {
    private MergedAnswer() {}

    static ChatResponse of(List<PartOutcome> outcomes, RoutedAnswerFormat format) {
        StringBuilder merged = new StringBuilder();
        Usage total = Usage.ZERO;
        boolean truncated = false;
        for (PartOutcome o : outcomes) {
            if (!merged.isEmpty()) merged.append("\n\n");
            merged.append(format.heading(o.run()))
                    .append(o.succeeded() ? o.content() : RoutedAnswerFormat.failure(o.error().get()));
            total = total.plus(o.usage().orElse(Usage.ZERO));
            truncated |= o.finishReason().orElse(FinishReason.STOP) == FinishReason.LENGTH;
        }
        return new ChatResponse(format.id(), format.created(), RoutedAnswerFormat.MODEL, List.of(new Choice(0,
                Message.assistant(merged.toString()), Optional.of(truncated ? FinishReason.LENGTH : FinishReason.STOP),
                Optional.empty())), Optional.of(total), Optional.empty(), Optional.empty());
    }
}
