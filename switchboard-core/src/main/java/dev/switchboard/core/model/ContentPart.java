package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One part of a message's content. {@code cacheControl} is an Anthropic prompt-cache breakpoint on the part
 * ({@code {"type":"ephemeral"}}); only the Anthropic upstream gets it.
 */
public sealed interface ContentPart {

    /**
     * Text, with Anthropic's {@code citations} when an answer's text block cites the documents it was given: each one
     * as the API wrote it ({@code char_location}, {@code page_location}, {@code web_search_result_location}, ...), so an
     * Anthropic client gets them back unchanged and can send them back in the next turn. Other formats have no place
     * for them.
     */
    record Text(String text, Optional<JsonNode> cacheControl, List<JsonNode> citations) implements ContentPart {
        public Text {
            citations = List.copyOf(citations);
        }

        public Text(String text, Optional<JsonNode> cacheControl) {
            this(text, cacheControl, List.of());
        }

        public Text(String text) {
            this(text, Optional.empty());
        }
    }

    /** An image by URL; {@code url} may be a {@code data:} URL carrying base64 bytes. */
    record Image(String url, Optional<String> detail, Optional<JsonNode> cacheControl) implements ContentPart {
        public Image(String url, Optional<String> detail) {
            this(url, detail, Optional.empty());
        }

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
     * Extended thinking as Anthropic returned it. Only Anthropic can check the signature, so only the Anthropic
     * upstream gets the part back (other upstreams see the message's reasoning text, if anything).
     */
    record Thinking(String thinking, String signature) implements ContentPart {}

    /** Thinking Anthropic returned encrypted ({@code redacted_thinking}); {@code data} goes back to it unchanged. */
    record RedactedThinking(String data) implements ContentPart {}

    /**
     * Where the message's tool call number {@code call} (in {@link Message#toolCalls()}, which holds the call itself)
     * sits among its content, with the cache breakpoint of its {@code tool_use} block: Anthropic orders text and tool
     * calls in one list, and a text after a call stays after it. Writers that keep calls apart from content (OpenAI)
     * skip it; a call without one goes after the content.
     */
    record ToolUse(int call, Optional<JsonNode> cacheControl) implements ContentPart {}

    /**
     * A part the gateway does not model (input_audio, file, ...), kept as the client sent it so
     * OpenAI-compatible upstreams receive it unchanged.
     */
    record Other(String type, JsonNode json) implements ContentPart {}

    static ContentPart text(String text) {
        return new Text(text);
    }
}
