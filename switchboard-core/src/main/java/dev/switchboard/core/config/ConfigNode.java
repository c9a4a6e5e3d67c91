package dev.switchboard.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A config value with the dotted path that led to it, so every validation error names its key.
 * Resolves secrets and placeholders from the environment: {@code os.environ/NAME} (as LiteLLM writes
 * it) and {@code ${NAME}} inside any string.
 */
public final class ConfigNode {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /**
     * The longest duration any setting takes. Far beyond any sensible timeout or interval, and it keeps every
     * deadline computed from one ({@code now + d.toNanos()}) clear of long overflow.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(7);

    private final JsonNode node;
    private final String path;
    private final Function<String, String> env;

    public ConfigNode(JsonNode node, String path, Function<String, String> env) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.env = env;
    }

    public String path() { return path; }

    public JsonNode raw() { return node; }

    public boolean present() { return !node.isMissingNode() && !node.isNull(); }

    public ConfigNode get(String key) {
        return new ConfigNode(node.get(key), path.isEmpty() ? key : path + "." + key, env);
    }

    public ConfigException error(String reason) {
        return new ConfigException(path, reason);
    }

    public List<ConfigNode> list() {
        if (!present()) return List.of();
        if (!node.isArray()) throw error("must be a list");
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) out.add(new ConfigNode(node.get(i), path + "[" + i + "]", env));
        return out;
    }

    public List<String> keys() {
        if (!present()) return List.of();
        if (!node.isObject()) throw error("must be a mapping");
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Refuses keys outside {@code allowed}: a typo must not silently fall back to a default. */
    public void onlyKeys(Set<String> allowed) {
        for (String k : keys()) {
            if (!allowed.contains(k)) {
                throw get(k).error("unknown key (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    public Optional<String> string() {
        if (!present()) return Optional.empty();
        if (!node.isValueNode()) throw error("must be a string");
        return Optional.of(resolve(node.asText()));
    }

    public String string(String fallback) {
        return string().orElse(fallback);
    }

    public String requiredString() {
        String s = string().orElseThrow(() -> error("is required"));
        if (s.isBlank()) throw error("must not be empty");
        return s;
    }

    /** A secret: {@code os.environ/NAME}, {@code ${NAME}} or a literal. Error messages never show the value. */
    public Optional<Secret> secret() {
        if (!present()) return Optional.empty();
        if (!node.isTextual()) throw error("must be a string");
        String s = node.asText();
        if (s.startsWith("os.environ/")) {
            String name = s.substring("os.environ/".length());
            String v = env.apply(name);
            if (v == null || v.isEmpty()) throw error("environment variable " + name + " is not set");
            return Optional.of(new Secret(v));
        }
        String resolved = resolve(s);
        return resolved.isEmpty() ? Optional.empty() : Optional.of(new Secret(resolved));
    }

    public OptionalInt integer(int min, int max) {
        if (!present()) return OptionalInt.empty();
        BigInteger v;
        if (node.isIntegralNumber()) v = node.bigIntegerValue();
        else if (node.isTextual() && resolve(node.asText()).matches("-?\\d+")) v = new BigInteger(resolve(node.asText()));
        else throw error("must be a whole number");
        return OptionalInt.of((int) within(v, min, max));
    }

    public int integer(int fallback, int min, int max) {
        return integer(min, max).orElse(fallback);
    }

    public long longValue(long fallback, long min, long max) {
        if (!present()) return fallback;
        BigInteger v;
        if (node.isIntegralNumber()) v = node.bigIntegerValue();
        else if (node.isTextual()) v = parseSize(resolve(node.asText()));
        else throw error("must be a whole number");
        return within(v, min, max);
    }

    /** Compared before narrowing: a value past the long range must not wrap into a small one. */
    private long within(BigInteger v, long min, long max) {
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error("must be between " + min + " and " + max + " (was " + v + ")");
        }
        return v.longValueExact();
    }

    public double number(double fallback, double min, double max) {
        if (!present()) return fallback;
        double v;
        if (node.isNumber()) v = node.asDouble();
        else if (node.isTextual()) {
            try {
                v = Double.parseDouble(resolve(node.asText()));
            } catch (NumberFormatException e) {
                throw error("must be a number");
            }
        } else throw error("must be a number");
        if (Double.isNaN(v) || v < min || v > max) throw error("must be between " + min + " and " + max + " (was " + v + ")");
        return v;
    }

    public boolean bool(boolean fallback) {
        if (!present()) return fallback;
        if (node.isBoolean()) return node.asBoolean();
        if (node.isTextual()) {
            String s = resolve(node.asText()).toLowerCase(java.util.Locale.ROOT);
            if (s.equals("true")) return true;
            if (s.equals("false")) return false;
        }
        throw error("must be true or false");
    }

    /** A duration: a number of seconds (LiteLLM style), or text like "500ms", "30s", "2m". */
    public Duration duration(Duration fallback) {
        if (!present()) return fallback;
        Duration d;
        if (node.isNumber()) d = Duration.ofMillis(Math.round(node.asDouble() * 1000));
        else if (node.isTextual()) {
            d = parseDuration(resolve(node.asText().trim()));
            if (d == null) throw error("must be a duration such as 500ms, 30s or 2m (was '" + node.asText() + "')");
        } else throw error("must be a duration such as 500ms, 30s or 2m");
        if (d.isNegative() || d.isZero()) throw error("must be positive");
        if (d.compareTo(MAX_DURATION) > 0) throw error("must be at most 7 days (168h)");
        return d;
    }

    public Map<String, String> stringMap() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String k : keys()) out.put(k, get(k).requiredString());
        return out;
    }

    /**
     * A list of strings, or one string as a one-item list. Items may not be blank, in either form: an empty keyword, for
     * one, would match wherever two non-letters meet, so a rule would fire on some prompts only.
     */
    public List<String> stringList() {
        if (!present()) return List.of();
        if (node.isTextual()) return List.of(requiredString());
        List<String> out = new ArrayList<>();
        for (ConfigNode item : list()) out.add(item.requiredString());
        return out;
    }

    private String resolve(String s) {
        if (s.indexOf('$') < 0) return s;
        Matcher m = PLACEHOLDER.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                if (m.group(2) == null) throw error("environment variable " + m.group(1) + " is not set");
                v = m.group(2);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static Duration parseDuration(String s) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?").matcher(s);
        if (!m.matches()) return null;
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> v;
            case "s" -> v * 1000;
            case "m" -> v * 60_000;
            default -> v * 3_600_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    private BigInteger parseSize(String s) {
        Matcher m = Pattern.compile("(?i)(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?").matcher(s.trim());
        if (!m.matches()) throw error("must be a size such as 1048576, 512kb or 10mb");
        BigInteger v = new BigInteger(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(java.util.Locale.ROOT);
        int shift = switch (unit) {
            case "kb", "kib" -> 10;
            case "mb", "mib" -> 20;
            case "gb", "gib" -> 30;
            default -> 0;
        };
        return v.shiftLeft(shift);
    }

    Iterator<Map.Entry<String, JsonNode>> fields() {
        return node.fields();
    }
}
