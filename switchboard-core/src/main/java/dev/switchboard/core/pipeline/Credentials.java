package dev.switchboard.core.pipeline;

import java.util.Optional;

/** What the caller presented to prove who it is. */
public sealed interface Credentials {
    /** A call from the in-process SDK: trusted, since it runs inside the application. */
    record InProcess() implements Credentials {}

    /** A key from an HTTP header ({@code Authorization: Bearer} or {@code x-api-key}); empty if none was sent. */
    record ApiKey(Optional<String> key) implements Credentials {}

    Credentials IN_PROCESS = new InProcess();
}
