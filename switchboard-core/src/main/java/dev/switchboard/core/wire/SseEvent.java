package dev.switchboard.core.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import java.util.List;

/** One server-sent event of a named-event grammar (Anthropic's Messages, OpenAI's Responses): its name and JSON data. */
public record SseEvent(String name, ObjectNode data) {
    /** The event as it goes on the wire, terminated by a blank line. */
    public String sse() {
        return "event: " + name + "\ndata: " + Json.text(data) + "\n\n";
    }

    /** Events joined as SSE text. */
    public static String sse(List<SseEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (SseEvent e : events) sb.append(e.sse());
        return sb.toString();
    }

    /** Turns canonical chunks into one grammar's events; one instance per stream. */
    public interface Encoder {
        /** Events for one chunk (the first also opens the answer). */
        List<SseEvent> encode(ChatChunk chunk);

        /** The events that end a complete answer; nothing once it ended. */
        List<SseEvent> finish();

        /** The event that ends a stream which failed after it started; nothing follows it. */
        SseEvent error(GatewayException e);
    }
}
