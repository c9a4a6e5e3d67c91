package dev.switchboard.core.spi;

/** How a provider frames its streamed events. */
public enum Framing {
    /** Server-sent events ({@code event:} / {@code data:} lines, blank-line separated). */
    SSE,
    /** One JSON object per line (Ollama). */
    NDJSON,
    /** AWS binary event stream (Bedrock). */
    AWS_EVENT_STREAM
}
