package dev.switchboard.core.pipeline;

import java.util.Optional;

/** One upstream call made for a request: which deployment, how long, and how it ended. */
public record Attempt(String deploymentId, String provider, long latencyNanos, Optional<String> error) {
    public boolean succeeded() {
        return error.isEmpty();
    }
}
