package dev.switchboard.core.config;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/** A credential. Its {@code toString} never shows the value, so it cannot leak into logs by accident. */
public record Secret(String value) {
    public Secret {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("empty secret");
    }

    /** Constant-time comparison, for checking keys presented by clients. */
    public boolean matches(String candidate) {
        if (candidate == null) return false;
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
