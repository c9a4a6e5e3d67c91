package dev.switchboard.testkit;

/**
 * Speaks one provider's wire format for a {@link FakeUpstream}: OpenAI's ({@link OpenAiResponder}) or
 * Anthropic's ({@link AnthropicResponder}); Ollama's NDJSON plugs in the same way. It writes through
 * {@link UpstreamExchange}, which applies the scripted {@link Fault}s, so a responder only describes the
 * correct answer.
 */
public interface Responder {
    void respond(RecordedRequest request, UpstreamExchange exchange);

    /** The error body this provider sends with {@code status}. */
    byte[] errorBody(int status, String message);

    /** A stream event that is not valid JSON, framed as this provider frames events. */
    byte[] malformedEvent();

    /**
     * Bytes that mean nothing in this stream format (an SSE comment, a blank NDJSON line): written when a
     * fault holds the first event back, so the response head still goes out at once.
     */
    byte[] keepAlive();

    /** The path prefix clients put in their base URL, e.g. {@code /v1}. */
    default String apiBasePath() {
        return "";
    }
}
