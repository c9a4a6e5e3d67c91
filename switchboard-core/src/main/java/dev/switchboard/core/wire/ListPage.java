package dev.switchboard.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A page of a list endpoint whose items carry ids, as OpenAI and Anthropic both page them: {@code data},
 * {@code has_more}, and the {@code first_id} and {@code last_id} a client passes back as its cursor.
 */
final class ListPage {
    private ListPage() {}

    /** The position of the item with this id, or -1. */
    static int indexOf(List<? extends JsonNode> items, String id) {
        for (int i = 0; i < items.size(); i++) if (items.get(i).path("id").asText().equals(id)) return i;
        return -1;
    }

    /**
     * At most {@code limit} of {@code items[from, to)}: the first of them, or with {@code fromEnd} the last (the page
     * just before a cursor); {@code has_more} when the range holds more than the page.
     */
    static ObjectNode of(List<? extends JsonNode> items, int from, int to, int limit, boolean fromEnd) {
        boolean more = to - from > limit;
        if (fromEnd) from = Math.max(from, to - limit);
        else to = (int) Math.min(to, (long) from + limit);
        List<? extends JsonNode> page = items.subList(from, to);
        ObjectNode o = Json.object();
        ArrayNode data = o.putArray("data");
        page.forEach(data::add);
        o.put("has_more", more);
        if (page.isEmpty()) {
            o.putNull("first_id");
            o.putNull("last_id");
        } else {
            o.put("first_id", page.getFirst().path("id").asText());
            o.put("last_id", page.getLast().path("id").asText());
        }
        return o;
    }
}
