package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** One part of a message's content. */
public sealed interface ContentPart {

    record Text(String text) implements ContentPart {}

    /** An image by URL; {@code url} may be a {@code data:} URL carrying base64 bytes. */
    record Image(String url, Optional<String> detail) implements ContentPart {
        public boolean isDataUrl() {
            return url.startsWith("data:");
        }

        /** Media type of a data URL ("image/png"), if this is one. */
        public Optional<String> dataMediaType() {
            if (!isDataUrl()) return Optional.empty();
            int semi = url.indexOf(';');
            int comma = url.indexOf(',');
            int end = semi > 0 && semi < comma ? semi : comma;
            return end > 5 ? Optional.of(url.substring(5, end)) : Optional.empty();
        }

        /** Base64 payload of a data URL, if this is one. */
        public Optional<String> dataBase64() {
            if (!isDataUrl()) return Optional.empty();
            int comma = url.indexOf(',');
            return comma > 0 ? Optional.of(url.substring(comma + 1)) : Optional.empty();
        }
    }

    /**
     * A part the gateway does not model (input_audio, file, ...), kept as the client sent it so
     * OpenAI-compatible upstreams receive it unchanged.
     */
    record Other(String type, JsonNode json) implements ContentPart {}

    static ContentPart text(String text) {
        return new Text(text);
    }
}
