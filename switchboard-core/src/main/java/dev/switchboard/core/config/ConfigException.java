package dev.switchboard.core.config;

/** A configuration that must not start: names the key and the reason. Never carries a secret's value. */
public final class ConfigException extends RuntimeException {
    private final String key;
    private final String reason;

    public ConfigException(String key, String reason) {
        super(key.isEmpty() ? reason : key + ": " + reason);
        this.key = key;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    /**
     * The same error with its key under {@code path}, for a key given relative to the settings at {@code path}
     * (e.g. {@code rules[0].target}); a key already under that path is kept.
     */
    public ConfigException under(String path) {
        return key.startsWith(path) ? this : new ConfigException(key.isEmpty() ? path : path + "." + key, reason);
    }
}
