package dev.switchboard.core.config;

/** A configuration that must not start: names the key and the reason. Never carries a secret's value. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String reason) {
        super(key.isEmpty() ? reason : key + ": " + reason);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
