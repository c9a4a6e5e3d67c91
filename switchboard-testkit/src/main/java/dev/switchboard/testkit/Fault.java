package dev.switchboard.testkit;

import java.time.Duration;
import java.util.Optional;

/**
 * One scripted misbehaviour of a {@link FakeUpstream}, applied to a single request. Several may be
 * combined for one request (e.g. a delay before the first chunk and a stall later). Waits end early when
 * the test calls {@link FakeUpstream#release()} or closes the upstream, so no test waits longer than it must.
 */
public sealed interface Fault {

    /** Answer with this status and an error body (the responder's standard one when {@code body} is empty). */
    record Status(int status, Optional<String> message, Optional<String> body, Optional<String> retryAfter) implements Fault {}

    /** Hold the response head this long (or until released). */
    record DelayHeaders(Duration delay) implements Fault {}

    /** Send the head at once, then hold the first body byte / stream event this long (or until released). */
    record DelayFirstChunk(Duration delay) implements Fault {}

    /** After this many stream events (or before a JSON body), hold until released: a stalled upstream. */
    record StallAfter(int events) implements Fault {}

    /** Hold each stream event after the first this long (or until released): a slow, steady generator. */
    record Paced(Duration gap) implements Fault {}

    /** Close the connection without an answer ({@code afterEvents} empty), or after that many stream events. */
    record Disconnect(Optional<Integer> afterEvents) implements Fault {}

    /** Send invalid JSON: the JSON body cut short, or one broken event after the first stream event. */
    record MalformedJson() implements Fault {}

    /** End the stream without its end marker ({@code data: [DONE]} for OpenAI). */
    record Truncate() implements Fault {}

    /** Leave usage out of the answer (a stream's usage chunk), as some OpenAI-compatible servers do even when asked. */
    record OmitUsage() implements Fault {}

    /** Answer with this content type instead of the right one. */
    record WrongContentType(String contentType) implements Fault {}

    static Fault status(int status) {
        return new Status(status, Optional.empty(), Optional.empty(), Optional.empty());
    }

    static Fault status(int status, String message) {
        return new Status(status, Optional.of(message), Optional.empty(), Optional.empty());
    }

    /** A 429 with {@code Retry-After} in seconds. */
    static Fault rateLimited(int retryAfterSeconds) {
        return new Status(429, Optional.of("Rate limit reached for requests"), Optional.empty(),
                Optional.of(Integer.toString(retryAfterSeconds)));
    }

    /** A raw body as some upstream wrote it (HTML from a proxy, a provider-specific error shape). */
    static Fault rawError(int status, String body) {
        return new Status(status, Optional.empty(), Optional.of(body), Optional.empty());
    }

    static Fault delayHeaders(Duration delay) {
        return new DelayHeaders(delay);
    }

    static Fault delayFirstChunk(Duration delay) {
        return new DelayFirstChunk(delay);
    }

    static Fault stallAfter(int events) {
        return new StallAfter(events);
    }

    static Fault paced(Duration gap) {
        return new Paced(gap);
    }

    static Fault disconnect() {
        return new Disconnect(Optional.empty());
    }

    static Fault disconnectAfter(int events) {
        return new Disconnect(Optional.of(events));
    }

    static Fault malformedJson() {
        return new MalformedJson();
    }

    static Fault truncate() {
        return new Truncate();
    }

    static Fault omitUsage() {
        return new OmitUsage();
    }

    static Fault wrongContentType(String contentType) {
        return new WrongContentType(contentType);
    }
}
