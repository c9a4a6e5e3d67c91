package dev.switchboard.core.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.QualityProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Known list prices, context windows and output limits of common models, with where each number came
 * from. Ships as {@code price-catalogue.yaml}; a deployment's own {@code model_info} always overrides it.
 */
public final class PriceCatalogue {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String RESOURCE = "price-catalogue.yaml";
    /** Dated snapshots ("gpt-4o-2024-08-06", "claude-haiku-4-5-20251001") price like their family. */
    private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");
    private static final Set<String> CONFIRMED = Set.of("official", "secondary", "derived", "unconfirmed");

    /**
     * One model's catalogue entry.
     *
     * @param confirmed how firm the numbers are: official, secondary, derived or unconfirmed
     */
    public record Entry(
            String model,
            String provider,
            List<String> aliases,
            String mode,
            Prices prices,
            int contextWindow,
            int maxOutputTokens,
            Optional<QualityProfile> quality,
            String source,
            LocalDate asOf,
            String confirmed,
            Optional<String> note) {
        public Entry {
            aliases = List.copyOf(aliases);
        }
    }

    private static volatile PriceCatalogue builtIn;

    private final String version;
    private final List<Entry> entries;
    private final Map<String, Entry> byName;

    private PriceCatalogue(String version, List<Entry> entries) {
        this.version = version;
        this.entries = List.copyOf(entries);
        Map<String, Entry> m = new HashMap<>();
        for (Entry e : entries) {
            m.put(e.model().toLowerCase(Locale.ROOT), e);
            for (String a : e.aliases()) m.put(a.toLowerCase(Locale.ROOT), e);
        }
        this.byName = Map.copyOf(m);
    }

    /** The catalogue shipped with Switchboard. */
    public static PriceCatalogue builtIn() {
        PriceCatalogue c = builtIn;
        if (c == null) {
            try (InputStream in = PriceCatalogue.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
                c = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            builtIn = c;
        }
        return c;
    }

    public static PriceCatalogue parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("", "price catalogue is not valid YAML: " + e.getOriginalMessage());
        }
        ConfigNode top = new ConfigNode(root, "", name -> null);
        top.onlyKeys(Set.of("version", "currency", "models"));
        String currency = top.get("currency").string("USD");
        if (!currency.equals("USD")) throw top.get("currency").error("only USD is supported");
        String version = top.get("version").requiredString();
        List<Entry> entries = top.get("models").list().stream().map(PriceCatalogue::entry).toList();
        return new PriceCatalogue(version, entries);
    }

    private static Entry entry(ConfigNode n) {
        n.onlyKeys(Set.of("model", "provider", "aliases", "mode", "input", "output", "cached-input", "cache-write",
                "context-window", "max-output", "quality", "quality-by-type", "source", "as-of", "confirmed", "note"));
        double input = n.get("input").number(-1, 0, 10_000);
        if (input < 0) throw n.get("input").error("is required");
        Prices prices = new Prices(input, n.get("output").number(0, 0, 10_000), n.get("cached-input").number(0, 0, 10_000),
                n.get("cache-write").number(0, 0, 10_000));
        LocalDate asOf;
        try {
            asOf = LocalDate.parse(n.get("as-of").requiredString());
        } catch (DateTimeParseException e) {
            throw n.get("as-of").error("must be a date such as 2026-01-31");
        }
        String confirmed = n.get("confirmed").requiredString();
        if (!CONFIRMED.contains(confirmed)) throw n.get("confirmed").error("must be one of " + CONFIRMED);
        return new Entry(
                n.get("model").requiredString(),
                n.get("provider").requiredString(),
                n.get("aliases").stringList(),
                n.get("mode").string("chat"),
                prices,
                n.get("context-window").integer(128_000, 1, 100_000_000),
                n.get("max-output").integer(4_096, 1, 10_000_000),
                quality(n),
                n.get("source").requiredString(),
                asOf,
                confirmed,
                n.get("note").string());
    }

    private static Optional<QualityProfile> quality(ConfigNode n) {
        if (!n.get("quality").present()) return Optional.empty();
        QualityProfile q = QualityProfile.linear(n.get("quality").get("low").number(0, 0, 1),
                n.get("quality").get("high").number(0, 0, 1));
        for (String type : n.get("quality-by-type").keys()) {
            ConfigNode t = n.get("quality-by-type").get(type);
            q = q.withType(type, t.get("low").number(0, 0, 1), t.get("high").number(0, 0, 1));
        }
        return Optional.of(q);
    }

    public String version() {
        return version;
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * The entry for an upstream model name: exact (case-insensitive), then without an Ollama
     * {@code :latest} tag, then without a date suffix.
     */
    public Optional<Entry> lookup(String upstreamModel) {
        String name = upstreamModel.toLowerCase(Locale.ROOT);
        Entry e = byName.get(name);
        if (e == null && name.endsWith(":latest")) e = byName.get(name.substring(0, name.length() - ":latest".length()));
        if (e == null) {
            String undated = DATE_SUFFIX.matcher(name).replaceFirst("");
            if (!undated.equals(name)) e = byName.get(undated);
        }
        return Optional.ofNullable(e);
    }
}
