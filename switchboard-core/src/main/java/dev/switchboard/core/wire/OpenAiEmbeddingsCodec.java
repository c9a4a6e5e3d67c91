package dev.switchboard.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** OpenAI's Embeddings wire format ⇄ canonical. Reference: https://platform.openai.com/docs/api-reference/embeddings */
public final class OpenAiEmbeddingsCodec {
    private OpenAiEmbeddingsCodec() {}

    public static EmbeddingRequest parseRequest(JsonNode body) {
        String model = OpenAiCodec.requiredString(body, "model");
        JsonNode input = body.get("input");
        if (!OpenAiCodec.present(input)) throw OpenAiCodec.bad("Missing required parameter: 'input'.", "input");
        List<String> texts = new ArrayList<>();
        boolean tokens = false;
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (input.isArray()) {
            if (input.isEmpty()) throw OpenAiCodec.bad("'input' must not be an empty array.", "input");
            for (JsonNode item : input) {
                if (item.isTextual()) texts.add(item.asText());
                else if (isTokenId(item)) tokens = true;
                else if (item.isArray()) {
                    if (item.isEmpty()) throw OpenAiCodec.bad("'input' must not contain an empty token array.", "input");
                    for (JsonNode token : item) {
                        if (!isTokenId(token)) throw OpenAiCodec.bad("Invalid value in 'input': a token array holds only token ids "
                                + "(non-negative integers).", "input");
                    }
                    tokens = true;
                } else {
                    throw OpenAiCodec.bad("Invalid type for 'input': expected a string, an array of strings or token arrays.", "input");
                }
            }
            if (tokens && !texts.isEmpty()) throw OpenAiCodec.bad("'input' mixes strings and tokens.", "input");
        } else {
            throw OpenAiCodec.bad("Invalid type for 'input': expected a string or an array.", "input");
        }
        // As OpenAI does: an empty string has no embedding (providers answer it with an error or a meaningless vector).
        if (texts.stream().anyMatch(String::isEmpty)) throw OpenAiCodec.bad("'input' must not contain an empty string.", "input");
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw OpenAiCodec.bad("Invalid value for 'encoding_format': '" + format + "'. Supported values are: 'float' and 'base64'.",
                    "encoding_format");
        }
        OptionalInt dims = OpenAiCodec.optInt(body, "dimensions", 1);
        Optional<String> user = OpenAiCodec.textField(body, "user");
        return new EmbeddingRequest(model, texts, tokens, dims, format.equals("base64"), user, Optional.of((ObjectNode) body));
    }

    private static boolean isTokenId(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    /** The upstream body: the client's own (unknown fields kept) or built from canonical fields; always floats. */
    public static ObjectNode writeRequest(EmbeddingRequest r, String upstreamModel) {
        ObjectNode o;
        if (r.openAiBody().isPresent()) {
            o = r.openAiBody().get().deepCopy();
        } else {
            o = Json.object();
            ArrayNode in = o.putArray("input");
            r.input().forEach(in::add);
            r.dimensions().ifPresent(d -> o.put("dimensions", d));
            r.user().ifPresent(u -> o.put("user", u));
        }
        o.put("model", upstreamModel);
        o.put("encoding_format", "float");
        return o;
    }

    /**
     * The answer to a client, written token by token: a batch of 2,048 vectors of 1,536 floats is ~35 MB of JSON,
     * whose tree would take ~100 MB of nodes on top.
     */
    public static void writeResponse(EmbeddingResponse r, boolean base64, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        for (int i = 0; i < r.vectors().size(); i++) {
            float[] v = r.vectors().get(i);
            g.writeStartObject();
            g.writeStringField("object", "embedding");
            g.writeNumberField("index", i);
            g.writeFieldName("embedding");
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) buf.putFloat(f);
                g.writeString(Base64.getEncoder().encodeToString(buf.array()));
            } else {
                g.writeStartArray();
                for (float f : v) g.writeNumber(f);
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("model", r.model());
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", r.usage().promptTokens());
        g.writeNumberField("total_tokens", r.usage().promptTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The same answer as bytes. */
    public static byte[] writeResponse(EmbeddingResponse r, boolean base64) {
        return Json.write(g -> writeResponse(r, base64, g));
    }

    /**
     * An upstream's answer, read token by token straight into float arrays (see {@link #writeResponse}: a tree of a
     * large batch does not fit a small heap). Vectors go where their {@code index} says, or in order.
     */
    public static EmbeddingResponse parseResponse(byte[] body, String provider) {
        try (JsonParser p = Json.parser(body)) {
            return parseResponse(p, provider);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only malformed JSON can fail on bytes, and that is an UpstreamError
        }
    }

    /** The same, read from the answer as it arrives; an I/O failure of the stream is the caller's to map. */
    public static EmbeddingResponse parseResponse(InputStream body, String provider) throws IOException {
        try (JsonParser p = Json.parser(body)) {
            return parseResponse(p, provider);
        }
    }

    private static EmbeddingResponse parseResponse(JsonParser p, String provider) throws IOException {
        try {
            JsonToken first = p.nextToken();
            if (first == null) throw new GatewayException.UpstreamError(provider + " returned an empty body", 502, null);
            if (first != JsonToken.START_OBJECT) throw noData(provider);
            String model = "";
            int prompt = 0;
            List<Item> items = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "data" -> {
                        if (value != JsonToken.START_ARRAY) throw noData(provider);
                        items = items(p, provider);
                    }
                    case "model" -> model = value.isScalarValue() ? p.getValueAsString("") : skip(p, model);
                    case "usage" -> prompt = value == JsonToken.START_OBJECT ? promptTokens(p) : skip(p, prompt);
                    default -> p.skipChildren();
                }
            }
            if (items == null) throw noData(provider);
            List<float[]> vectors = new ArrayList<>(java.util.Collections.nCopies(items.size(), (float[]) null));
            for (int i = 0; i < items.size(); i++) {
                int index = items.get(i).index().orElse(i);
                vectors.set(index < 0 || index >= vectors.size() ? i : index, items.get(i).vector());
            }
            if (vectors.contains(null)) {
                throw new GatewayException.UpstreamError(provider + " returned embeddings with a repeated index", 502, null);
            }
            return new EmbeddingResponse(model, vectors, Usage.of(prompt, 0));
        } catch (JsonProcessingException e) {
            throw new GatewayException.UpstreamError(provider + " returned malformed JSON: " + Json.problem(e), 502, null);
        }
    }

    private record Item(OptionalInt index, float[] vector) {}

    private static List<Item> items(JsonParser p, String provider) throws IOException {
        List<Item> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) throw noVector(provider);
            OptionalInt index = OptionalInt.empty();
            float[] vector = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("index") && value.isScalarValue()) {
                    index = OptionalInt.of(p.getValueAsInt(items.size()));
                } else if (field.equals("embedding") && value == JsonToken.START_ARRAY) {
                    vector = floats(p);
                } else if (field.equals("embedding") && value == JsonToken.VALUE_STRING) {
                    ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(p.getText())).order(ByteOrder.LITTLE_ENDIAN);
                    vector = new float[buf.remaining() / 4];
                    for (int k = 0; k < vector.length; k++) vector[k] = buf.getFloat();
                } else {
                    p.skipChildren();
                    if (field.equals("embedding")) vector = null;
                }
            }
            if (vector == null) throw noVector(provider);
            items.add(new Item(index, vector));
        }
        return items;
    }

    /** The numbers of a JSON array, each read as a double and narrowed (as a tree's {@code asDouble} would give). */
    private static float[] floats(JsonParser p) throws IOException {
        float[] v = new float[1536];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            double d = t.isScalarValue() ? p.getValueAsDouble(0.0) : 0.0;
            p.skipChildren();
            if (n == v.length) v = Arrays.copyOf(v, v.length * 2);
            v[n++] = (float) d;
        }
        return n == v.length ? v : Arrays.copyOf(v, n);
    }

    private static int promptTokens(JsonParser p) throws IOException {
        int prompt = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("prompt_tokens") && value.isScalarValue()) prompt = p.getValueAsInt(0);
            else p.skipChildren();
        }
        return prompt;
    }

    /** Skips a structured value where a scalar was expected, keeping {@code fallback}. */
    private static <T> T skip(JsonParser p, T fallback) throws IOException {
        p.skipChildren();
        return fallback;
    }

    private static GatewayException noData(String provider) {
        return new GatewayException.UpstreamError(provider + " returned embeddings without 'data'", 502, null);
    }

    private static GatewayException noVector(String provider) {
        return new GatewayException.UpstreamError(provider + " returned an embedding without a vector", 502, null);
    }
}
