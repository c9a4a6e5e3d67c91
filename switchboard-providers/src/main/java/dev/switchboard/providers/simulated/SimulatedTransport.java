package dev.switchboard.providers.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.Transport;
import dev.switchboard.core.spi.WireHeaders;
import dev.switchboard.core.spi.WireRequest;
import dev.switchboard.core.spi.WireResponse;
import dev.switchboard.core.spi.WireStream;
import dev.switchboard.core.wire.Json;
import dev.switchboard.core.wire.OpenAiCodec;
import dev.switchboard.core.wire.OpenAiEmbeddingsCodec;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * An in-process "server" speaking OpenAI's wire format: it answers the simulated adapter's requests with
 * JSON, or with an SSE body whose events become readable over time, paced by the deployment's
 * simulation knobs (carried as request headers, see {@link SimulationSettings}). Injected faults look
 * like a real upstream's: an error status with an OpenAI error object, a stall, a connection that breaks
 * mid-stream. It enforces the call's {@link Timeouts} as an HTTP client would. Waits happen on the
 * calling (virtual) thread through the {@link Sleeper}; time is read from the {@link Ticker}.
 */
public final class SimulatedTransport implements Transport {
    public static final String FINGERPRINT = "simulated";

    private final Ticker ticker;
    private final TokenCounter tokens;
    private final Sleeper sleeper;
    private final DoubleSupplier faultDice;
    private final SimulatedResponder responder;

    public SimulatedTransport(Ticker ticker, TokenCounter tokens) {
        this(ticker, tokens, Sleeper.REAL, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param faultDice uniform in [0, 1): a request fails when the draw is below {@code error-rate}
     */
    public SimulatedTransport(Ticker ticker, TokenCounter tokens, Sleeper sleeper, DoubleSupplier faultDice) {
        this.ticker = ticker;
        this.tokens = tokens;
        this.sleeper = sleeper;
        this.faultDice = faultDice;
        this.responder = new SimulatedResponder(tokens);
    }

    @Override
    public WireResponse send(WireRequest request, Timeouts timeouts) {
        Exchange ex = exchange(request, timeouts);
        if (ex.error != null) return ex.error;
        if (ex.embeddings != null) {
            ex.clock.await(ex.settings.timeToFirstToken().toNanos(), ex.clock.responseLimit(false), "respond");
            return new WireResponse(200, jsonHeaders(), ex.embeddings);
        }
        List<Event> events = schedule(ex.completion, ex.settings, ex.chat.stream(), ex.chat.includeUsage());
        Event last = events.getLast();
        ex.clock.await(last.due, ex.clock.responseLimit(false), "respond");
        if (last.failure) throw new GatewayException.ConnectionFailed(failureMessage(ex.settings), null);
        if (ex.chat.stream()) {
            byte[] all = events.stream().map(e -> e.bytes).reduce(new byte[0], SimulatedTransport::concat);
            return new WireResponse(200, sseHeaders(), all);
        }
        return new WireResponse(200, jsonHeaders(), OpenAiCodec.writeChatResponse(response(ex.completion), null));
    }

    @Override
    public WireStream open(WireRequest request, Timeouts timeouts) {
        Exchange ex = exchange(request, timeouts);
        if (ex.error != null) return new Stream(ex.error.status(), ex.error.headers(), new ByteArrayInputStream(ex.error.body()));
        if (ex.embeddings != null) {
            ex.clock.await(ex.settings.timeToFirstToken().toNanos(), ex.clock.responseLimit(true), "respond");
            return new Stream(200, jsonHeaders(), new ByteArrayInputStream(ex.embeddings));
        }
        List<Event> events = schedule(ex.completion, ex.settings, true, ex.chat.includeUsage());
        return new Stream(200, sseHeaders(), new PacedBody(events, ex.clock, failureMessage(ex.settings)));
    }

    // ------------------------------------------------------------------ request handling

    /** One parsed request: an immediate error answer, an embeddings body, or a chat completion to pace. */
    private static final class Exchange {
        Clock clock;
        SimulationSettings settings;
        WireResponse error;
        byte[] embeddings;
        ChatRequest chat;
        SimulatedCompletion completion;
    }

    private Exchange exchange(WireRequest request, Timeouts timeouts) {
        Exchange ex = new Exchange();
        ex.clock = new Clock(ticker, sleeper, timeouts.cappedAt(Duration.ofDays(7))); // limits in nanoseconds: no overflow
        ex.settings = SimulationSettings.from(request.headers());
        if (ex.settings.errorRate() > 0 && faultDice.getAsDouble() < ex.settings.errorRate()) {
            ex.error = injectedError(ex.settings);
            return ex;
        }
        String path = request.uri().getPath() == null ? "" : request.uri().getPath();
        try {
            JsonNode body = Json.parseBody(request.body());
            if (path.endsWith("/embeddings")) {
                ex.embeddings = embeddings(body, ex.settings.contextWindow().orElse(Integer.MAX_VALUE));
            } else if (path.endsWith("/chat/completions")) {
                ex.chat = OpenAiCodec.parseChatRequest(body);
                int prompt = tokens.countPrompt(ex.chat);
                int window = ex.settings.contextWindow().orElse(Integer.MAX_VALUE);
                if ((long) prompt + ex.chat.maxTokens().orElse(0) > window) {
                    ex.error = error(400, "invalid_request_error", "context_length_exceeded", "messages",
                            "This model's maximum context length is " + window + " tokens. However, you requested "
                                    + (prompt + ex.chat.maxTokens().orElse(0)) + " tokens (" + prompt
                                    + " in the messages, " + ex.chat.maxTokens().orElse(0) + " in the completion).");
                } else {
                    ex.completion = responder.respond(ex.chat, ticker.epochSeconds(), ex.settings.answer());
                }
            } else {
                ex.error = error(404, "invalid_request_error", "unknown_url", null, "Unknown request URL: " + path);
            }
        } catch (GatewayException.BadRequest e) {
            ex.error = error(400, "invalid_request_error", null, e.param().orElse(null), e.getMessage());
        }
        return ex;
    }

    private byte[] embeddings(JsonNode body, int window) {
        EmbeddingRequest r = OpenAiEmbeddingsCodec.parseRequest(body);
        List<String> texts = r.tokenInput() ? tokenTexts(body.get("input")) : r.input();
        // Each input must fit the window, as OpenAI refuses it: a 400 without code or param.
        for (int i = 0; i < texts.size(); i++) {
            int length = r.tokenInput() ? tokenCount(body.get("input"), i) : tokens.count(texts.get(i));
            if (length > window) {
                throw new GatewayException.BadRequest("This model's maximum context length is " + window + " tokens, however you "
                        + "requested " + length + " tokens (" + length + " in your prompt; 0 for the completion). Please reduce "
                        + "your prompt; or completion length.", null);
            }
        }
        int dims = r.dimensions().orElse(SimulatedEmbedder.DEFAULT_DIMENSIONS);
        if (dims > SimulatedEmbedder.DEFAULT_DIMENSIONS) {
            throw new GatewayException.BadRequest("Invalid value for 'dimensions': this model's vectors have "
                    + SimulatedEmbedder.DEFAULT_DIMENSIONS + " dimensions; ask for 1 to " + SimulatedEmbedder.DEFAULT_DIMENSIONS + ".",
                    "dimensions");
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        int prompt = 0;
        for (String t : texts) {
            vectors.add(SimulatedEmbedder.embed(t, dims));
            prompt += tokens.count(t);
        }
        return OpenAiEmbeddingsCodec.writeResponse(new EmbeddingResponse(r.model(), vectors, Usage.of(prompt, 0)), false);
    }

    /** The number of token ids in input {@code i} (a flat list is one input). */
    private static int tokenCount(JsonNode input, int i) {
        return input.get(0).isArray() ? input.get(i).size() : input.size();
    }

    /** Token-id input: one text per token array (or the whole array when it is a single flat list). */
    private static List<String> tokenTexts(JsonNode input) {
        if (input.isArray() && !input.isEmpty() && input.get(0).isArray()) {
            List<String> out = new ArrayList<>();
            input.forEach(a -> out.add(a.toString()));
            return out;
        }
        return List.of(input.toString());
    }

    private WireResponse injectedError(SimulationSettings s) {
        int status = s.errorStatus();
        String type = status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
        String code = status == 429 ? "rate_limit_exceeded" : status == 503 ? "overloaded" : "simulated_fault";
        WireResponse r = error(status, type, code, null, "Simulated fault: HTTP " + status
                + " injected by simulation.error-rate (" + s.errorRate() + ").");
        if (status == 429 || status == 503) {
            return new WireResponse(status, WireHeaders.builder().add("Content-Type", "application/json")
                    .add("Retry-After", "1").build(), r.body());
        }
        return r;
    }

    private static WireResponse error(int status, String type, String code, String param, String message) {
        ObjectNode err = Json.object().put("message", message).put("type", type);
        if (param == null) err.putNull("param");
        else err.put("param", param);
        if (code == null) err.putNull("code");
        else err.put("code", code);
        ObjectNode body = Json.object();
        body.set("error", err);
        return new WireResponse(status, jsonHeaders(), Json.bytes(body));
    }

    // ------------------------------------------------------------------ answers on the wire

    private static ChatResponse response(SimulatedCompletion c) {
        List<Choice> choices = new ArrayList<>();
        for (SimulatedCompletion.Choice ch : c.choices()) {
            String text = ch.text();
            List<ContentPart> content = text.isEmpty() && !ch.toolCalls().isEmpty() ? List.of() : List.of(new ContentPart.Text(text));
            Message m = new Message(Role.ASSISTANT, content, true, Optional.empty(), ch.toolCalls(), Optional.empty(),
                    Optional.empty(), Optional.empty());
            choices.add(new Choice(ch.index(), m, Optional.of(ch.finishReason()), Optional.empty()));
        }
        return new ChatResponse(c.id(), c.created(), c.model(), choices, Optional.of(c.usage()), Optional.of(FINGERPRINT),
                Optional.empty());
    }

    /** A wire event and when it becomes readable, in nanoseconds after the request was sent. */
    record Event(long due, byte[] bytes, boolean failure) {}

    /**
     * The SSE events of a completion with their due times: token {@code k} (1-based) is due at
     * {@code ttft + (k-1)/tps}, plus {@code stall-for} once {@code stall-after-tokens} have gone out; at
     * {@code fail-after-tokens} the schedule ends in a failure instead.
     */
    static List<Event> schedule(SimulatedCompletion c, SimulationSettings s, boolean sse, boolean includeUsage) {
        List<Event> events = new ArrayList<>();
        long ttft = s.timeToFirstToken().toNanos();
        int sent = 0;
        long due = ttft;
        int failAfter = s.failAfterTokens().orElse(Integer.MAX_VALUE);
        int stallAfter = s.stallAfterTokens().orElse(Integer.MAX_VALUE);
        long stall = s.stallFor().toNanos();
        for (SimulatedCompletion.Choice ch : c.choices()) {
            events.add(chunk(sse, c, ChunkChoice.role(ch.index(), Role.ASSISTANT), due));
            List<List<SimulatedCompletion.Piece>> parts = new ArrayList<>();
            parts.add(ch.content());
            parts.addAll(ch.argumentPieces());
            for (int part = 0; part < parts.size(); part++) {
                boolean toolPart = part > 0;
                int call = part - 1;
                if (toolPart) {
                    ToolCall tc = ch.toolCalls().get(call);
                    events.add(chunk(sse, c, ChunkChoice.toolCalls(ch.index(), List.of(new ToolCallDelta(call, Optional.of(tc.id()),
                            Optional.of(tc.name()), Optional.of("")))), due));
                }
                for (SimulatedCompletion.Piece p : parts.get(part)) {
                    int after = sent + p.tokens();
                    due = ttft + s.nanosFor(Math.max(0, after - 1)) + (sent >= stallAfter ? stall : 0);
                    if (after > failAfter) {
                        events.add(new Event(ttft + s.nanosFor(failAfter) + (sent >= stallAfter ? stall : 0), new byte[0], true));
                        return events;
                    }
                    sent = after;
                    ChunkChoice delta = toolPart
                            ? ChunkChoice.toolCalls(ch.index(), List.of(new ToolCallDelta(call, Optional.empty(), Optional.empty(),
                                    Optional.of(p.text()))))
                            : ChunkChoice.content(ch.index(), p.text());
                    events.add(chunk(sse, c, delta, due));
                }
            }
            events.add(chunk(sse, c, ChunkChoice.finish(ch.index(), ch.finishReason()), due));
        }
        if (includeUsage && sse) {
            events.add(new Event(due, sse(OpenAiCodec.writeChunk(new ChatChunk(c.id(), c.created(), c.model(), List.of(),
                    Optional.of(c.usage()), Optional.of(FINGERPRINT)))), false));
        }
        events.add(new Event(due, "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII), false));
        return events;
    }

    /** Without {@code sse} only the timing matters (a whole answer): no bytes are written. */
    private static Event chunk(boolean sse, SimulatedCompletion c, ChunkChoice choice, long due) {
        if (!sse) return new Event(due, new byte[0], false);
        ChatChunk chunk = new ChatChunk(c.id(), c.created(), c.model(), List.of(choice), Optional.empty(), Optional.of(FINGERPRINT));
        return new Event(due, sse(OpenAiCodec.writeChunk(chunk)), false);
    }

    private static byte[] sse(byte[] body) {
        byte[] out = new byte[body.length + 8];
        System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 6);
        System.arraycopy(body, 0, out, 6, body.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    private static String failureMessage(SimulationSettings s) {
        return "Connection reset: simulated fault after " + s.failAfterTokens().orElse(0) + " tokens (simulation.fail-after-tokens)";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static WireHeaders jsonHeaders() {
        return WireHeaders.of("Content-Type", "application/json");
    }

    private static WireHeaders sseHeaders() {
        return WireHeaders.of("Content-Type", "text/event-stream");
    }

    // ------------------------------------------------------------------ time

    /**
     * Waits for due times relative to when the request was sent, and enforces the call's timeouts the way
     * an HTTP client would: first byte, idle gap between events, and the whole call.
     */
    static final class Clock {
        private static final long MIN_SLEEP_NANOS = 200_000;
        private final Ticker ticker;
        private final Sleeper sleeper;
        private final Timeouts timeouts;
        private final long start;
        private long lastEvent = -1;

        Clock(Ticker ticker, Sleeper sleeper, Timeouts timeouts) {
            this.ticker = ticker;
            this.sleeper = sleeper;
            this.timeouts = timeouts;
            this.start = ticker.nanoTime();
        }

        /**
         * The limit for a response head. A whole (non-streamed) answer's comes with its last token, so only the total
         * bounds it; a stream's is bounded by the first-byte timeout too (LiteLLM's stream_timeout).
         */
        long responseLimit(boolean streamed) {
            return streamed ? Math.min(timeouts.firstByte().toNanos(), timeouts.total().toNanos()) : timeouts.total().toNanos();
        }

        /** The limit for the next stream event: first byte for the first, idle after that, never past total. */
        long nextEventLimit() {
            long gap = lastEvent < 0 ? timeouts.firstByte().toNanos() : lastEvent + timeouts.idle().toNanos();
            return Math.min(gap, timeouts.total().toNanos());
        }

        /** Sleeps until {@code due}; past {@code limit} it sleeps only until the limit and times out. */
        void await(long due, long limit, String what) {
            try {
                awaitInterruptibly(due, limit, what);
            } catch (InterruptedIOException e) {
                throw new GatewayException.UpstreamTimeout(e.getMessage());
            }
        }

        void awaitInterruptibly(long due, long limit, String what) throws InterruptedIOException {
            if (due > limit) {
                sleepUntil(limit);
                throw new InterruptedIOException("the simulated upstream did not " + what + " in time ("
                        + Duration.ofNanos(limit).toMillis() + " ms after the request was sent)");
            }
            sleepUntil(due);
            lastEvent = due;
        }

        private void sleepUntil(long offset) throws InterruptedIOException {
            long wait = start + offset - ticker.nanoTime();
            if (wait < MIN_SLEEP_NANOS) return; // the schedule is absolute, so skipping a tiny wait causes no drift
            try {
                sleeper.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the simulated upstream was generating");
            }
        }
    }

    /** An SSE body whose events become readable at their due times; a failure event breaks the read. */
    static final class PacedBody extends InputStream {
        private final List<Event> events;
        private final Clock clock;
        private final String failure;
        private int next;
        private byte[] current = new byte[0];
        private int pos;
        private volatile boolean closed;

        PacedBody(List<Event> events, Clock clock, String failure) {
            this.events = events;
            this.clock = clock;
            this.failure = failure;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (closed) throw new java.io.IOException("the stream was closed");
            if (len == 0) return 0;
            while (pos >= current.length) {
                if (next >= events.size()) return -1;
                Event e = events.get(next++);
                clock.awaitInterruptibly(e.due(), clock.nextEventLimit(), "send the next event");
                if (e.failure()) throw new java.io.IOException(failure);
                current = e.bytes();
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return current.length - pos;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private record Stream(int status, WireHeaders headers, InputStream body) implements WireStream {
        @Override
        public void close() {
            try {
                body.close();
            } catch (java.io.IOException e) {
                // closing an in-memory body cannot fail
            }
        }
    }
}
