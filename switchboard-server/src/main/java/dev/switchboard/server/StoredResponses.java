package dev.switchboard.server;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.module.SimpleDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.ReferenceType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.reliability.SharedState;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The /v1/responses answers kept for {@code GET} and {@code previous_response_id}: each with its conversation so far
 * and the key that made it, so another key can neither read nor continue it. With {@code switchboard.redis} set they
 * are kept in Redis for {@code stored-responses-ttl}, so any replica can serve a response another one made; without it,
 * or for an answer Redis did not take in time, in this replica's memory, in the same form, bounded by its bytes
 * ({@code switchboard.server.stored-responses-bytes}) and the same time to live; Caffeine evicts the least useful first.
 */
final class StoredResponses {
    private static final Logger LOG = Logger.getLogger(StoredResponses.class.getName());
    /**
     * An entry as it is kept, in Redis or in memory: every field of the conversation's messages (signed thinking and cache breakpoints
     * included, which a next turn to Anthropic must send back), content parts named by their type.
     */
    private static final ObjectMapper KEPT = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(Json.READ_CONSTRAINTS).build())
            .addModule(new Jdk8Module())
            .addMixIn(ContentPart.class, PartTypes.class)
            .addModule(optionalJsonNodes())
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .build();

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "part")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
        @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
        @JsonSubTypes.Type(value = ContentPart.Thinking.class, name = "thinking"),
        @JsonSubTypes.Type(value = ContentPart.RedactedThinking.class, name = "redacted_thinking"),
        @JsonSubTypes.Type(value = ContentPart.ToolUse.class, name = "tool_use"),
        @JsonSubTypes.Type(value = ContentPart.Other.class, name = "other")})
    private interface PartTypes {}

    private static SimpleModule optionalJsonNodes() {
        SimpleModule module = new SimpleModule();
        module.setDeserializers(new OptionalJsonNodes());
        return module;
    }

    /** {@code Optional<JsonNode>} read from null as empty: Jdk8Module reads it as {@code Optional.of(NullNode)}. */
    private static final class OptionalJsonNodes extends SimpleDeserializers {
        @Override
        public JsonDeserializer<?> findReferenceDeserializer(ReferenceType type, DeserializationConfig config,
                BeanDescription bean, TypeDeserializer typeDeserializer, JsonDeserializer<?> contentDeserializer) {
            if (!type.hasRawClass(Optional.class) || !type.getContentType().isTypeOrSubTypeOf(JsonNode.class)) return null;
            return new StdDeserializer<Optional<JsonNode>>(type) {
                @Override
                public Optional<JsonNode> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                    JsonNode node = ctxt.readTree(p);
                    return node.isNull() ? Optional.empty() : Optional.of(node);
                }

                @Override
                public Optional<JsonNode> getNullValue(DeserializationContext ctxt) {
                    return Optional.empty();
                }
            };
        }
    }

    /**
     * One stored response: the response object as sent, its request's input as listed items, and the messages a next
     * turn continues from (the instructions left out).
     */
    record Entry(String owner, JsonNode response, JsonNode inputItems, List<Message> conversation) {}

    /** Entries as Redis keeps them: one array each, so the heap holds no object graph per stored conversation. */
    private final Cache<String, byte[]> entries;
    private final long maxBytes;
    private final Duration ttl;
    private final Optional<SharedState> shared;

    StoredResponses(long maxBytes, Duration ttl, Optional<SharedState> shared) {
        this.maxBytes = maxBytes;
        this.ttl = ttl;
        this.shared = shared;
        entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String id, byte[] kept) -> kept.length)
                .expireAfterWrite(ttl)
                .build();
    }

    /**
     * Keeps an entry; with no room configured, none. One larger than the whole room is not kept either, in Redis as in
     * memory (there it would only be evicted again): a conversation carried on turn after turn grows with each, and
     * this bounds what one turn can put in Redis. One Redis did not take in time is kept here instead: this replica
     * can still serve it.
     */
    void put(String id, Entry entry) {
        if (maxBytes <= 0) return;
        byte[] kept = encode(entry);
        if (kept.length > maxBytes) {
            LOG.info(() -> "response " + id + " with its conversation takes " + kept.length + " bytes, more than "
                    + "switchboard.server.stored-responses-bytes: not stored");
            return;
        }
        if (shared.isPresent()) {
            try {
                shared.get().putValue(key(id), kept, ttl);
                return;
            } catch (SharedState.Unavailable e) {
                LOG.warning("Redis did not take stored response " + id + " in time; this replica keeps it");
            }
        }
        entries.put(id, kept);
    }

    /**
     * The entry, if it is kept and {@code owner} made it.
     *
     * @throws GatewayException.Overloaded when it is not in this replica and Redis, where it would be, does not answer
     */
    Optional<Entry> get(String id, String owner) {
        byte[] kept = entries.getIfPresent(id);
        if (kept == null && shared.isPresent()) {
            try {
                kept = shared.get().value(key(id)).orElse(null);
            } catch (SharedState.Unavailable e) {
                throw redisDown();
            }
        }
        return kept == null ? Optional.empty() : decode(id, kept).filter(e -> e.owner().equals(owner));
    }

    /** Whether an entry of {@code owner}'s was there to remove. */
    boolean remove(String id, String owner) {
        if (get(id, owner).isEmpty()) return false;
        if (entries.asMap().remove(id) != null) return true;
        try {
            return shared.orElseThrow().removeValue(key(id));
        } catch (SharedState.Unavailable e) {
            throw redisDown();
        }
    }

    private static GatewayException redisDown() {
        return new GatewayException.Overloaded("Stored responses are kept in Redis, which did not answer within "
                + "switchboard.redis.timeout; try again.", Duration.ofSeconds(1), "stored_responses_unavailable");
    }

    private static String key(String id) {
        return "responses:" + id;
    }

    static byte[] encode(Entry e) {
        try {
            return KEPT.writeValueAsBytes(e);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** Empty for a value this build cannot read (written by another version, in Redis): as if it had expired. */
    static Optional<Entry> decode(String id, byte[] bytes) {
        try {
            return Optional.of(KEPT.readValue(bytes, Entry.class));
        } catch (IOException | RuntimeException x) {
            LOG.warning("stored response " + id + " could not be read: " + x.getMessage());
            return Optional.empty();
        }
    }
}
