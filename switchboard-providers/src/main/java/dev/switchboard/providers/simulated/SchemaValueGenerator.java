package dev.switchboard.providers.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.wire.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a small JSON value that validates against a JSON Schema: for tool-call arguments and
 * {@code json_schema} answers. Handles type (and type lists), enum, const, properties/required,
 * additionalProperties, items/prefixItems, min/max items and lengths, numeric bounds and multipleOf,
 * common string formats, $ref into $defs/definitions, allOf (merged), anyOf/oneOf (first non-null
 * alternative). A {@code pattern} is only met when one of a few simple candidates happens to match.
 * Past {@link #MAX_DEPTH} (a recursive schema) values are the smallest the schema allows: objects with only
 * their required properties, arrays with only their minimum items, a null alternative where there is one.
 * String values borrow from the prompt where a property name suggests it (a place, a name, a query),
 * so arguments look plausible.
 */
final class SchemaValueGenerator {
    private static final int MAX_DEPTH = 12;
    private static final Pattern SENTENCE = Pattern.compile("[^.!?\\n]+");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}'-]+");
    private static final Pattern QUOTED = Pattern.compile("[\"“']([^\"”']{2,80})[\"”']");
    private static final Set<String> QUERY_NAMES = Set.of("query", "q", "question", "prompt", "text", "input", "search",
            "message", "content", "body", "description", "summary", "task", "instructions", "answer");
    private static final Set<String> PLACE_NAMES = Set.of("location", "city", "place", "country", "region", "destination",
            "origin", "address", "name", "title", "topic", "subject", "keyword", "term", "entity", "person", "company");

    private final JsonNode root;
    private final SplittableRandom random;
    private final String prompt;
    private final List<String> properNouns;
    private final List<String> quoted;

    SchemaValueGenerator(JsonNode root, String prompt, long seed) {
        this.root = root;
        this.random = new SplittableRandom(seed);
        this.prompt = prompt.replaceAll("\\s+", " ").strip();
        this.properNouns = properNouns(this.prompt);
        this.quoted = matches(QUOTED, this.prompt);
    }

    JsonNode generate() {
        return value(root, "value", 0, 0);
    }

    private JsonNode value(JsonNode schema, String name, int depth, int variant) {
        schema = resolve(schema);
        // Twice the depth: only a schema that needs an endless value gets this far.
        if (schema == null || !schema.isObject() || depth > 2 * MAX_DEPTH) return Json.NODES.nullNode();
        boolean minimal = depth > MAX_DEPTH;
        if (schema.has("const")) return schema.get("const");
        JsonNode en = schema.get("enum");
        if (en != null && en.isArray() && !en.isEmpty()) return en.get((pick(en.size()) + variant) % en.size());
        JsonNode allOf = schema.get("allOf");
        if (allOf != null && allOf.isArray()) return value(merge(schema, allOf), name, depth + 1, variant);
        for (String key : List.of("anyOf", "oneOf")) {
            JsonNode alternatives = schema.get(key);
            if (alternatives != null && alternatives.isArray() && !alternatives.isEmpty()) {
                for (JsonNode alt : alternatives) {
                    // The smallest value is null where one may be, any other value otherwise.
                    if ("null".equals(resolveOrSelf(alt).path("type").asText()) == minimal) return value(alt, name, depth + 1, variant);
                }
                return value(alternatives.get(0), name, depth + 1, variant);
            }
        }
        return switch (type(schema)) {
            case "object" -> object(schema, depth, variant, minimal);
            case "array" -> array(schema, name, depth, minimal);
            case "integer" -> Json.NODES.numberNode((long) number(schema, true, variant));
            case "number" -> Json.NODES.numberNode(number(schema, false, variant));
            case "boolean" -> Json.NODES.booleanNode(variant % 2 == 0 ? random.nextBoolean() : variant % 4 == 1);
            case "null" -> Json.NODES.nullNode();
            default -> Json.NODES.textNode(string(schema, name, variant));
        };
    }

    private ObjectNode object(JsonNode schema, int depth, int variant, boolean minimal) {
        ObjectNode out = Json.object();
        JsonNode props = schema.path("properties");
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        Iterator<String> names = props.fieldNames();
        while (names.hasNext()) {
            String p = names.next();
            if (!minimal || required.contains(p)) out.set(p, value(props.get(p), p, depth + 1, variant));
        }
        for (JsonNode r : schema.path("required")) {
            if (!out.has(r.asText())) out.set(r.asText(), value(schema.path("additionalProperties").isObject()
                    ? schema.get("additionalProperties") : Json.object(), r.asText(), depth + 1, 0));
        }
        int minProps = schema.path("minProperties").asInt(0);
        boolean closed = schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean();
        for (int i = 0; out.size() < minProps && !closed; i++) {
            JsonNode extra = schema.path("additionalProperties").isObject() ? schema.get("additionalProperties") : Json.object();
            out.set("extra_" + i, value(extra, "extra", depth + 1, i));
        }
        return out;
    }

    private ArrayNode array(JsonNode schema, String name, int depth, boolean minimal) {
        ArrayNode out = Json.NODES.arrayNode();
        JsonNode prefix = schema.has("prefixItems") ? schema.get("prefixItems") : schema.path("items").isArray() ? schema.get("items") : null;
        JsonNode items = schema.path("items").isObject() ? schema.get("items") : Json.object();
        int min = schema.path("minItems").asInt(0);
        int max = schema.path("maxItems").isIntegralNumber() ? schema.get("maxItems").asInt() : Integer.MAX_VALUE;
        int prefixCount = prefix == null ? 0 : prefix.size();
        // items: false (additionalItems: false after an items list) allows nothing past the prefix.
        JsonNode rest = schema.path("items").isArray() ? schema.path("additionalItems") : schema.path("items");
        if (rest.isBoolean() && !rest.asBoolean()) max = Math.min(max, prefixCount);
        int n = Math.min(minimal ? min : Math.max(Math.max(min, 1), prefixCount), max);
        boolean unique = schema.path("uniqueItems").asBoolean(false);
        String itemName = name.endsWith("s") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
        for (int i = 0; i < n; i++) {
            JsonNode itemSchema = i < prefixCount ? prefix.get(i) : items;
            JsonNode item = value(itemSchema, itemName, depth + 1, unique ? i : 0);
            // uniqueItems: try further variants until the item differs from those already chosen.
            for (int attempt = 1; unique && contains(out, item) && attempt <= 8; attempt++) {
                item = value(itemSchema, itemName, depth + 1, i + attempt * n);
            }
            out.add(item);
        }
        return out;
    }

    private static boolean contains(ArrayNode array, JsonNode item) {
        for (JsonNode x : array) if (x.equals(item)) return true;
        return false;
    }

    private double number(JsonNode s, boolean integer, int variant) {
        double lo = s.path("minimum").isNumber() ? s.get("minimum").asDouble() : Double.NEGATIVE_INFINITY;
        double hi = s.path("maximum").isNumber() ? s.get("maximum").asDouble() : Double.POSITIVE_INFINITY;
        double openLo = s.path("exclusiveMinimum").isNumber() ? s.get("exclusiveMinimum").asDouble() : Double.NEGATIVE_INFINITY;
        double openHi = s.path("exclusiveMaximum").isNumber() ? s.get("exclusiveMaximum").asDouble() : Double.POSITIVE_INFINITY;
        // An exclusive bound moves inwards: to the next integer, or by 0.001 unless the bounds are closer than that.
        double span = Math.min(hi, openHi) - Math.max(lo, openLo);
        double step = Double.isFinite(span) ? Math.min(0.001, span / 4) : 0.001;
        if (openLo >= lo) lo = integer ? Math.floor(openLo) + 1 : openLo + step;
        if (openHi <= hi) hi = integer ? Math.ceil(openHi) - 1 : openHi - step;
        double candidate = (integer ? random.nextInt(1, 100) : random.nextInt(1, 1000) / 10.0) + variant;
        if (Double.isFinite(lo) && Double.isFinite(hi)) candidate = lo + (hi - lo) * random.nextDouble(0.1, 0.5);
        if (candidate < lo) candidate = lo + variant;
        if (candidate > hi) candidate = hi;
        if (integer) candidate = Math.ceil(candidate - 1e-9);
        if (integer && candidate > hi) candidate = Math.floor(hi);
        double multipleOf = s.path("multipleOf").asDouble(0);
        if (multipleOf > 0) {
            double m = Math.ceil(candidate / multipleOf) * multipleOf;
            if (m > hi) m = Math.floor(candidate / multipleOf) * multipleOf;
            candidate = m;
        }
        if (integer) return Math.rint(candidate);
        double rounded = Math.round(candidate * 1000) / 1000.0;
        return rounded >= lo && rounded <= hi ? rounded : candidate; // between bounds closer than 0.001, unrounded
    }

    private String string(JsonNode s, String name, int variant) {
        String value = switch (s.path("format").asText("")) {
            case "date-time" -> "2026-01-15T09:30:00Z";
            case "date" -> "2026-01-15";
            case "time" -> "09:30:00Z";
            case "duration" -> "PT1H";
            case "email", "idn-email" -> "simulated@example.com";
            case "uri", "url", "iri", "uri-reference", "iri-reference" -> "https://example.com/simulated";
            case "hostname", "idn-hostname" -> "example.com";
            case "ipv4" -> "192.0.2.1";
            case "ipv6" -> "2001:db8::1";
            case "uuid" -> UUID.nameUUIDFromBytes((prompt + name).getBytes(StandardCharsets.UTF_8)).toString();
            default -> fromPrompt(name);
        };
        if (variant > 0) value = value + " " + (variant + 1);
        if (s.path("pattern").isTextual()) value = matchPattern(s.get("pattern").asText(), value, variant);
        int min = s.path("minLength").asInt(0);
        int max = s.path("maxLength").isIntegralNumber() ? s.get("maxLength").asInt() : Integer.MAX_VALUE;
        StringBuilder sb = new StringBuilder(value);
        while (sb.codePointCount(0, sb.length()) < min) sb.append(sb.isEmpty() ? "x" : " simulated");
        String out = sb.toString();
        if (out.codePointCount(0, out.length()) > max) out = out.substring(0, out.offsetByCodePoints(0, max));
        if (out.codePointCount(0, out.length()) < min) out = out + "x".repeat(min - out.codePointCount(0, out.length()));
        return out;
    }

    private String fromPrompt(String name) {
        String key = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        boolean query = QUERY_NAMES.stream().anyMatch(key::contains);
        boolean place = PLACE_NAMES.stream().anyMatch(key::contains);
        if (query && !prompt.isEmpty()) return prompt.length() > 200 ? prompt.substring(0, 200) : prompt;
        if (place && !quoted.isEmpty()) return quoted.get(pick(quoted.size()));
        if (place && !properNouns.isEmpty()) return properNouns.get(pick(properNouns.size()));
        return "simulated " + name.replace('_', ' ');
    }

    private static String matchPattern(String pattern, String value, int variant) {
        Pattern p;
        try {
            p = Pattern.compile(pattern);
        } catch (RuntimeException e) {
            return value;
        }
        String letters = variant == 0 ? "" : Integer.toString(variant, 26).chars()
                .mapToObj(c -> String.valueOf((char) (Character.isDigit(c) ? 'a' + (c - '0') : c + 10)))
                .reduce("", String::concat);
        String digits = variant == 0 ? "" : Integer.toString(variant);
        for (String candidate : List.of(value, "simulated" + letters, "a" + letters, "A" + letters.toUpperCase(Locale.ROOT),
                "0" + digits, "abc" + letters, "ABC" + letters.toUpperCase(Locale.ROOT), "123" + digits, "a1" + digits, "x-1" + digits)) {
            if (p.matcher(candidate).find()) return candidate;
        }
        return value;
    }

    private static String type(JsonNode s) {
        JsonNode t = s.get("type");
        if (t != null && t.isTextual()) return t.asText();
        if (t != null && t.isArray()) {
            for (JsonNode x : t) if (!"null".equals(x.asText())) return x.asText();
            return "null";
        }
        if (s.has("properties") || s.has("required") || s.has("additionalProperties")) return "object";
        if (s.has("items") || s.has("prefixItems")) return "array";
        if (s.has("minimum") || s.has("maximum") || s.has("multipleOf")) return "number";
        return "string";
    }

    /** allOf: one object schema with every branch's properties, requirements and type. */
    private JsonNode merge(JsonNode schema, JsonNode allOf) {
        ObjectNode merged = ((ObjectNode) schema).deepCopy();
        merged.remove("allOf");
        ObjectNode props = merged.has("properties") ? (ObjectNode) merged.get("properties") : merged.putObject("properties");
        Set<String> required = new LinkedHashSet<>();
        merged.path("required").forEach(r -> required.add(r.asText()));
        for (JsonNode branch : allOf) {
            JsonNode b = resolveOrSelf(branch);
            b.path("properties").fields().forEachRemaining(e -> props.set(e.getKey(), e.getValue()));
            b.path("required").forEach(r -> required.add(r.asText()));
            b.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("properties") && !e.getKey().equals("required") && !merged.has(e.getKey())) {
                    merged.set(e.getKey(), e.getValue());
                }
            });
        }
        if (props.isEmpty()) merged.remove("properties");
        if (!required.isEmpty()) {
            ArrayNode r = merged.putArray("required");
            required.forEach(r::add);
        }
        return merged;
    }

    private JsonNode resolveOrSelf(JsonNode s) {
        JsonNode r = resolve(s);
        return r == null ? s : r;
    }

    /** Follows local {@code $ref}s ("#", "#/$defs/x", "#/definitions/x", any JSON pointer into the root). */
    private JsonNode resolve(JsonNode s) {
        for (int hops = 0; s != null && s.isObject() && s.path("$ref").isTextual() && hops < MAX_DEPTH; hops++) {
            String ref = s.get("$ref").asText();
            if (!ref.startsWith("#")) return Json.object();
            JsonNode target = ref.length() == 1 ? root : root.at(ref.substring(1));
            s = target.isMissingNode() ? Json.object() : target;
        }
        return s;
    }

    private int pick(int n) {
        return n <= 1 ? 0 : random.nextInt(n);
    }

    /** Runs of capitalised words that do not open a sentence: "Paris", "New York". */
    static List<String> properNouns(String text) {
        List<String> out = new ArrayList<>();
        Matcher sentences = SENTENCE.matcher(text);
        while (sentences.find()) {
            Matcher words = WORD.matcher(sentences.group());
            boolean first = true;
            StringBuilder run = new StringBuilder();
            while (words.find()) {
                String w = words.group();
                boolean capital = Character.isUpperCase(w.codePointAt(0)) && !first;
                first = false;
                if (capital) {
                    if (!run.isEmpty()) run.append(' ');
                    run.append(w);
                } else if (!run.isEmpty()) {
                    out.add(run.toString());
                    run.setLength(0);
                }
            }
            if (!run.isEmpty()) out.add(run.toString());
        }
        return out;
    }

    private static List<String> matches(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
