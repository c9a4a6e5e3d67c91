package dev.switchboard.core.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** The one shared Jackson mapper (thread-safe once configured) and small tree helpers. */
public final class Json {
    /**
     * Parser and generator buffers come from one bounded shared pool: Jackson's default keeps them per thread, and
     * every request runs on a new virtual thread, so each request allocated its own (~20 KB per streamed answer).
     */
    private static final int RECYCLED_BUFFERS = 64;
    /**
     * No cap of Jackson's own on a string's length (its default, 20 million characters, refused a 16 MB inline image
     * under a 32 MB {@code max-body-bytes}): what the gateway reads is already bounded in bytes by the body and answer
     * limits. Nesting depth and number length keep Jackson's defaults.
     */
    public static final StreamReadConstraints READ_CONSTRAINTS =
            StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build();
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.newBoundedPool(RECYCLED_BUFFERS))
                    .streamReadConstraints(READ_CONSTRAINTS).build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /**
     * Tree reader and writer resolved once: {@code MAPPER.readTree} looks up the JsonNode type on every call, a
     * measurable share of a stream's CPU when every upstream event is parsed.
     */
    public static final ObjectReader TREE = MAPPER.readerFor(JsonNode.class);
    /** Reads the value a streaming parser is on as a tree, leaving the parser inside its enclosing value. */
    public static final ObjectReader SUBTREE = TREE.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectWriter WRITER = MAPPER.writerFor(JsonNode.class);

    private Json() {}

    /** Parses a client body; malformed JSON is a 400 with the parser's reason, never a 500. */
    public static JsonNode parseBody(byte[] body) {
        if (body.length == 0) throw new GatewayException.BadRequest("The request body is empty; expected a JSON object.", null);
        try {
            JsonNode node = TREE.readTree(body);
            if (node == null || !node.isObject()) {
                throw new GatewayException.BadRequest("The request body must be a JSON object.", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new GatewayException.BadRequest("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses an upstream body; garbage from a provider is a retryable upstream error. */
    public static JsonNode parseUpstream(byte[] body, String provider) {
        try {
            JsonNode node = TREE.readTree(body);
            if (node == null) throw new GatewayException.UpstreamError(provider + " returned an empty body", 502, null);
            return node;
        } catch (IOException e) {
            throw new GatewayException.UpstreamError(provider + " returned malformed JSON: " + problem(e), 502, null);
        }
    }

    /** What is wrong with unreadable JSON, without the parser's location boilerplate (the source is redacted anyway). */
    public static String problem(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    public static JsonNode parseUpstream(String text, String provider) {
        return parseUpstream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), provider);
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A streaming parser over {@code text}, for hot paths that read straight into records. */
    public static JsonParser parser(String text) throws IOException {
        return MAPPER.createParser(text);
    }

    /** A streaming parser over {@code bytes}. */
    public static JsonParser parser(byte[] bytes) throws IOException {
        return MAPPER.createParser(bytes);
    }

    /** A streaming parser reading {@code in} as it arrives (it does not close it). */
    public static JsonParser parser(java.io.InputStream in) throws IOException {
        return MAPPER.createParser(in).disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    /**
     * A generator writing to {@code out}, which it neither closes nor flushes: the caller owns the stream and
     * decides when bytes go out (a stream coalesces the events already at hand into one write).
     */
    public static JsonGenerator generator(OutputStream out) {
        try {
            return MAPPER.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes JSON with a generator: a lambda that may throw what the generator does. */
    @FunctionalInterface
    public interface Writing {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * JSON written straight to bytes by {@code writing}, in the buffers Jackson recycles (as {@link #bytes} writes a
     * tree): for hot paths that write from records instead of building a tree first.
     */
    public static byte[] write(Writing writing) {
        BufferRecycler recycler = MAPPER.getFactory()._getBufferRecycler();
        try (ByteArrayBuilder out = new ByteArrayBuilder(recycler)) {
            try (JsonGenerator g = MAPPER.createGenerator(out)) {
                writing.write(g);
            }
            return out.getClearAndRelease();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            recycler.releaseToPool();
        }
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }
}
