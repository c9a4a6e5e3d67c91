package dev.switchboard.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
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

    public static ObjectNode writeResponse(EmbeddingResponse r, boolean base64) {
        ObjectNode o = Json.object().put("object", "list");
        ArrayNode data = o.putArray("data");
        for (int i = 0; i < r.vectors().size(); i++) {
            float[] v = r.vectors().get(i);
            ObjectNode item = Json.object().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) buf.putFloat(f);
                item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                ArrayNode arr = item.putArray("embedding");
                for (float f : v) arr.add(f);
            }
            data.add(item);
        }
        o.put("model", r.model());
        o.set("usage", Json.object().put("prompt_tokens", r.usage().promptTokens()).put("total_tokens", r.usage().promptTokens()));
        return o;
    }

    public static EmbeddingResponse parseResponse(JsonNode o, String provider) {
        JsonNode data = o.get("data");
        if (data == null || !data.isArray()) throw new GatewayException.UpstreamError(provider + " returned embeddings without 'data'", 502, null);
        List<float[]> vectors = new ArrayList<>(java.util.Collections.nCopies(data.size(), (float[]) null));
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").asInt(i);
            JsonNode emb = item.get("embedding");
            float[] v;
            if (emb != null && emb.isTextual()) {
                ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(emb.asText())).order(ByteOrder.LITTLE_ENDIAN);
                v = new float[buf.remaining() / 4];
                for (int k = 0; k < v.length; k++) v[k] = buf.getFloat();
            } else if (emb != null && emb.isArray()) {
                v = new float[emb.size()];
                for (int k = 0; k < v.length; k++) v[k] = (float) emb.get(k).asDouble();
            } else {
                throw new GatewayException.UpstreamError(provider + " returned an embedding without a vector", 502, null);
            }
            if (index < 0 || index >= vectors.size()) index = i;
            vectors.set(index, v);
        }
        int prompt = o.path("usage").path("prompt_tokens").asInt(0);
        return new EmbeddingResponse(o.path("model").asText(""), vectors, Usage.of(prompt, 0));
    }
}
