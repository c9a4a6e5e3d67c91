package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How a routed answer reads: its id and model, each part's heading, a failed part's note, the part_done event. */
final class RoutedAnswerFormat {
    static final String MODEL = "switchboard/auto";

    private final String id;
    private final long created;
    private final int parts;

    RoutedAnswerFormat(String id, long created, int parts) {
        this.id = id;
        this.created = created;
        this.parts = parts;
    }

    String id() {
        return id;
    }

    long created() {
        return created;
    }

    String heading(DecomposeStage.PartRun run) {
        if (parts == 1) return "";
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
    ChatChunk chunk(ChunkChoice choice) {
        return new ChatChunk(id, created, MODEL, choice == null ? List.of() : List.of(choice), Optional.empty(), Optional.empty());
    }

    /** The event that closes a part in a stream: its report, less the part's text that the plan already carried. */
    static ObjectNode partDone(DecomposeStage.PartRun run) {
        ObjectNode done;
        synchronized (run.report()) {
            done = run.report().deepCopy().put("event", "part_done");
        }
        done.remove("text");
        return done;
    }

    static String failure(GatewayException e) {
        return "> **This part failed:** " + e.getMessage() + " (" + e.type() + ", status " + e.status() + ")";
    }
}
