package dev.switchboard.providers.simulated;

import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.Usage;
import java.util.List;

/**
 * What the simulated model "generated" for one request, before it is written in OpenAI's wire format.
 * Content comes as pieces (roughly one token each) so a stream can pace and cut it the way a real one would.
 */
record SimulatedCompletion(String id, long created, String model, List<Choice> choices, Usage usage) {

    SimulatedCompletion {
        choices = List.copyOf(choices);
    }

    /** A piece of generated text and its token count under the real tokenizer. */
    record Piece(String text, int tokens) {}

    record Choice(int index, List<Piece> content, List<ToolCall> toolCalls, List<List<Piece>> argumentPieces,
            FinishReason finishReason) {

        Choice {
            content = List.copyOf(content);
            toolCalls = List.copyOf(toolCalls);
            argumentPieces = List.copyOf(argumentPieces);
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            for (Piece p : content) sb.append(p.text());
            return sb.toString();
        }

        /** Tokens of content plus tool calls, as paced on the wire. */
        int tokens() {
            int n = 0;
            for (Piece p : content) n += p.tokens();
            for (List<Piece> args : argumentPieces) for (Piece p : args) n += p.tokens();
            return n;
        }
    }
}
