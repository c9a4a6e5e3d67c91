package dev.switchboard.core.reliability;

/** The shared store did not answer at start-up; the message names the config key that locates it (no password). */
public class SharedStoreUnavailableException extends RuntimeException {
    public SharedStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
