package dev.switchboard.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The /v1/responses answers kept for {@code GET} and {@code previous_response_id}: each with its conversation so far
 * and the key that made it, so another key can neither read nor continue it. In this replica's memory, bounded by an
 * estimate of the bytes each takes ({@code switchboard.server.stored-responses-bytes}) and a time to live
 * ({@code stored-responses-ttl}); Caffeine evicts the least useful first.
 */
final class StoredResponses {
    /** One stored response: its JSON as sent, and the messages a next turn continues from (the instructions left out). */
    record Entry(String owner, byte[] response, List<Message> conversation) {}

    private final Cache<String, Entry> entries;
    private final boolean storing;

    StoredResponses(long maxBytes, Duration ttl) {
        storing = maxBytes > 0;
        entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String id, Entry e) -> (int) Math.min(Integer.MAX_VALUE, weight(e)))
                .expireAfterWrite(ttl)
                .build();
    }

    /** Keeps an entry; with no room configured, none (an entry past the room would only be evicted again). */
    void put(String id, Entry entry) {
        if (storing) entries.put(id, entry);
    }

    /** The entry, if it is kept and {@code owner} made it. */
    Optional<Entry> get(String id, String owner) {
        return Optional.ofNullable(entries.getIfPresent(id)).filter(e -> e.owner().equals(owner));
    }

    /** Whether an entry of {@code owner}'s was there to remove. */
    boolean remove(String id, String owner) {
        return get(id, owner).map(e -> entries.asMap().remove(id, e)).orElse(false);
    }

    /** The JSON's bytes plus two bytes per character of text held in the conversation. */
    private static long weight(Entry e) {
        long chars = 0;
        for (Message m : e.conversation()) {
            for (ContentPart p : m.content()) {
                chars += switch (p) {
                    case ContentPart.Text t -> t.text().length();
                    case ContentPart.Image i -> i.url().length();
                    default -> 64;
                };
            }
            for (ToolCall c : m.toolCalls()) chars += c.arguments().length() + c.name().length() + c.id().length();
            chars += m.reasoning().map(String::length).orElse(0) + m.refusal().map(String::length).orElse(0) + 32;
        }
        return e.response().length + 2 * chars;
    }
}
