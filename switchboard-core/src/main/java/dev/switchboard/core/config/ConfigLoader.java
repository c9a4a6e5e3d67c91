package dev.switchboard.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.core.routing.PriceCatalogue;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Reads a YAML config: a LiteLLM config ({@code model_list}, {@code general_settings}, ...) loads as
 * is; Switchboard's own settings live under {@code switchboard:} and in extra {@code model_info} keys.
 * Everything is validated here, so a bad value refuses to start and names its key.
 */
public final class ConfigLoader {
    private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** LiteLLM sections we accept; keys inside them that we do not use are ignored (with a warning). */
    private static final Set<String> TOP_LEVEL =
            Set.of("model_list", "general_settings", "litellm_settings", "router_settings", "environment_variables",
                    "switchboard");

    private static final Set<String> LITELLM_PARAMS_USED = Set.of("model", "api_base", "base_url", "api_key",
            "rpm", "tpm", "timeout", "stream_timeout", "weight", "extra_headers", "headers");

    private final Function<String, String> env;
    private final Set<String> knownProviders;

    /**
     * @param env environment lookup (System::getenv in production)
     * @param knownProviders adapter ids available in this process; other providers refuse to start
     */
    public ConfigLoader(Function<String, String> env, Set<String> knownProviders) {
        this.env = env;
        this.knownProviders = Set.copyOf(knownProviders);
    }

    public SwitchboardConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            // Its message is the bare path, which reads as no reason at all.
            throw new ConfigException("", "config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("", "cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** YAML text as a config node at {@code path} (empty text is an empty mapping), secrets resolved from this env. */
    public ConfigNode read(String yaml, String path) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(path, "config is not valid YAML: " + yamlProblem(e));
        }
        if (root == null || root.isMissingNode() || root.isNull()) root = JsonNodeFactory.instance.objectNode();
        return new ConfigNode(root, path, env);
    }

    /**
     * The parser's problem and where, on one line. Its own message quotes the offending source line, which may be
     * an api_key or master_key written in the file: that must not reach the terminal or a log.
     */
    private static String yamlProblem(JsonProcessingException e) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblem() != null) {
            var mark = m.getProblemMark();
            return m.getProblem() + (m.getContext() == null ? "" : " (" + m.getContext() + ")")
                    + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1));
        }
        String first = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
        return first + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")");
    }

    public SwitchboardConfig parse(String yaml, String origin) {
        ConfigNode top = read(yaml, "");
        if (!top.raw().isObject()) throw new ConfigException("", "config must be a YAML mapping");
        // LiteLLM merges the files it names; "unknown key" would not say that their models would be missing.
        if (top.get("include").present()) {
            throw top.get("include").error("other config files are not read: copy their model_list entries and "
                    + "settings into this file");
        }
        top.onlyKeys(TOP_LEVEL);
        // LiteLLM exports environment_variables unless the environment already sets them, so an
        // os.environ/NAME elsewhere in the file may name one of them.
        Map<String, String> vars = new java.util.HashMap<>();
        ConfigNode section = top.get("environment_variables");
        for (String name : section.keys()) section.get(name).string().ifPresent(v -> vars.put(name, v));
        Function<String, String> env = vars.isEmpty() ? this.env : name -> {
            String v = this.env.apply(name);
            return v != null ? v : vars.get(name);
        };
        top = new ConfigNode(top.raw(), "", env);

        ConfigNode sb = top.get("switchboard");
        sb.onlyKeys(Set.of("server", "master-key", "upstream", "ledger", "routing", "reliability", "cascades", "routers", "redis"));
        ServerSettings server = server(sb.get("server"));
        ConfigNode upstream = sb.get("upstream");
        upstream.onlyKeys(Set.of("connect-timeout", "first-byte-timeout", "idle-timeout", "total-timeout",
                "max-connections-per-host", "max-response-bytes", "max-embeddings-response-bytes", "max-event-bytes"));
        Timeouts defaultTimeouts = readTimeouts(upstream, Timeouts.DEFAULT);
        server = server.withUpstreamPool(
                upstream.get("max-connections-per-host").integer(server.upstreamMaxConnections(), 1, 100_000),
                (int) upstream.get("max-response-bytes").longValue(server.upstreamMaxResponseBytes(), 1024, Integer.MAX_VALUE),
                (int) upstream.get("max-embeddings-response-bytes").longValue(server.upstreamMaxEmbeddingsResponseBytes(), 1024,
                        Integer.MAX_VALUE),
                (int) upstream.get("max-event-bytes").longValue(server.upstreamMaxEventBytes(), 1024, 1 << 30));

        Optional<Secret> masterKey = sb.get("master-key").secret();
        if (masterKey.isEmpty()) masterKey = top.get("general_settings").get("master_key").secret();

        List<Deployment> deployments = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<ConfigNode> entries = top.get("model_list").list();
        for (ConfigNode entry : entries) {
            Deployment d = deployment(entry, deployments.size(), defaultTimeouts, env);
            if (!ids.add(d.id())) throw entry.get("model_info").get("id").error("duplicate deployment id '" + d.id() + "'");
            deployments.add(d);
        }
        warnIgnored(top.get("litellm_settings"));
        Set<String> groups = new HashSet<>();
        deployments.forEach(d -> groups.add(d.modelName()));
        // Groups that can answer a chat: a pin or cascade tier naming one of embedding models only would fail every call.
        Set<String> chatGroups = new HashSet<>();
        deployments.stream().filter(d -> !d.info().isEmbedding()).forEach(d -> chatGroups.add(d.modelName()));
        ReliabilitySettings reliability = ReliabilitySettings.parse(top.get("router_settings"), top.get("litellm_settings"),
                sb.get("reliability"), groups);
        RoutingSettings routing = routing(sb.get("routing"));
        // A name the utility router serves would hide a model group or router chain of the same name.
        for (int i = 0; i < deployments.size(); i++) {
            if (routing.modelNames().contains(deployments.get(i).modelName())) {
                throw entries.get(i).get("model_name").error("'" + deployments.get(i).modelName() + "' is a name the "
                        + "cost-aware router serves (switchboard.routing.model-names), so this model would be unreachable");
            }
        }
        ConfigNode pins = sb.get("routing").get("pins");
        routing.pins().forEach((type, pin) -> {
            if (!groups.contains(pin) && !ids.contains(pin)) {
                throw pins.get(type).error("'" + pin + "' is neither a model_name nor a deployment id of model_list");
            }
            boolean chat = chatGroups.contains(pin)
                    || deployments.stream().anyMatch(d -> d.id().equals(pin) && !d.info().isEmbedding());
            if (!chat) throw pins.get(type).error("'" + pin + "' is an embedding model, which cannot answer a chat");
        });
        List<ConfigNode> routers = routers(sb.get("routers"));
        Set<String> taken = new HashSet<>(groups);
        taken.addAll(routing.modelNames());
        for (ConfigNode entry : routers) {
            ConfigNode model = entry.get(entry.keys().getFirst()).get("model");
            model.string().filter(routing.modelNames()::contains).ifPresent(name -> {
                throw model.error("'" + name + "' is a name the cost-aware router serves (switchboard.routing.model-names)");
            });
            model.string().ifPresent(taken::add);
        }
        return new SwitchboardConfig(server, deployments, masterKey, origin, routing,
                LedgerSettings.from(sb.get("ledger")), reliability, CascadeSettings.parse(sb.get("cascades"), groups, chatGroups, taken),
                routers, RedisSettings.parse(sb.get("redis"), top.get("router_settings"), top.get("litellm_settings")));
    }

    private static RoutingSettings routing(ConfigNode n) {
        n.onlyKeys(Set.of("model-names", "quality-weight", "cost-weight", "default-threshold", "thresholds",
                "security-sensitive", "pins", "decompose", "max-parts", "dependent-parts", "default-expected-output",
                "expected-output-tokens", "low-tier-below", "high-tier-from", "task-types"));
        RoutingSettings d = RoutingSettings.defaults();
        List<String> names = n.get("model-names").present() ? n.get("model-names").stringList() : d.modelNames();
        if (names.isEmpty()) throw n.get("model-names").error("must name at least one model");
        Map<String, Double> thresholds = new java.util.HashMap<>(d.thresholds());
        for (String type : n.get("thresholds").keys()) {
            thresholds.put(type, n.get("thresholds").get(type).number(0, 0, 1));
        }
        Map<String, Integer> expected = new java.util.HashMap<>(d.expectedOutputTokens());
        for (String type : n.get("expected-output-tokens").keys()) {
            expected.put(type, n.get("expected-output-tokens").get(type).integer(0, 1, 10_000_000));
        }
        String dependent = n.get("dependent-parts").string("sequential");
        RoutingSettings.DependentParts dependentParts = switch (dependent) {
            case "sequential" -> RoutingSettings.DependentParts.SEQUENTIAL;
            case "together" -> RoutingSettings.DependentParts.TOGETHER;
            default -> throw n.get("dependent-parts").error("must be sequential or together (was '" + dependent + "')");
        };
        double low = n.get("low-tier-below").number(d.lowTierBelow(), 0, 1);
        double high = n.get("high-tier-from").number(d.highTierFrom(), 0, 1);
        if (high < low) throw n.get("high-tier-from").error("must not be below low-tier-below (" + low + ")");
        Map<String, RoutingSettings.TaskTypeSpec> types = new java.util.LinkedHashMap<>();
        for (String type : n.get("task-types").keys()) {
            ConfigNode t = n.get("task-types").get(type);
            t.onlyKeys(Set.of("keywords", "phrases", "base-complexity"));
            if (!type.matches("[a-z][a-z0-9_]*")) throw t.error("task type names are lower_snake_case");
            java.util.OptionalDouble base = t.get("base-complexity").present()
                    ? java.util.OptionalDouble.of(t.get("base-complexity").number(0, 0, 1)) : java.util.OptionalDouble.empty();
            List<String> keywords = t.get("keywords").stringList().stream().map(k -> k.toLowerCase(java.util.Locale.ROOT)).toList();
            List<String> phrases = t.get("phrases").stringList().stream().map(k -> k.toLowerCase(java.util.Locale.ROOT)).toList();
            if (keywords.isEmpty() && phrases.isEmpty()) throw t.error("needs keywords or phrases");
            types.put(type, new RoutingSettings.TaskTypeSpec(keywords, phrases, base));
        }
        return new RoutingSettings(
                names,
                n.get("quality-weight").number(d.qualityWeight(), 0, 10),
                n.get("cost-weight").number(d.costWeight(), 0, 10),
                n.get("default-threshold").number(d.defaultThreshold(), 0, 1),
                thresholds,
                n.get("security-sensitive").present() ? Set.copyOf(n.get("security-sensitive").stringList()) : d.securitySensitive(),
                n.get("pins").stringMap(),
                n.get("decompose").bool(d.decompose()),
                n.get("max-parts").integer(d.maxParts(), 1, 64),
                dependentParts,
                n.get("default-expected-output").integer(d.defaultExpectedOutput(), 1, 10_000_000),
                expected,
                low,
                high,
                types);
    }

    /**
     * Each entry names one router type and its settings, e.g. {@code - rules: {model: smart, rules: [...]}}; the
     * settings are checked when the engine builds the router (a bad value still refuses to start).
     */
    private static List<ConfigNode> routers(ConfigNode n) {
        List<ConfigNode> entries = n.list();
        List<ConfigNode> routers = new ArrayList<>();
        for (ConfigNode entry : entries) {
            List<String> keys = entry.keys();
            if (keys.size() != 1) throw entry.error("must name exactly one router type (rules, semantic or learned)");
            routers.add(entry);
        }
        return routers;
    }

    /** The web server's idle clock ticks once a second: a shorter timeout would close connections at random. */
    private static Duration idleTimeout(ConfigNode n, Duration fallback) {
        Duration d = n.duration(fallback);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) throw n.error("must be at least 1s (the server's idle clock counts seconds)");
        return d;
    }

    private ServerSettings server(ConfigNode n) {
        n.onlyKeys(Set.of("host", "port", "max-body-bytes", "max-concurrent-requests", "request-timeout",
                "shutdown-grace", "log-requests", "cors-origins", "sse-keep-alive", "body-timeout", "header-timeout",
                "idle-timeout", "max-header-bytes", "max-request-line-bytes", "max-buffered-body-bytes",
                "stored-responses-bytes", "stored-responses-ttl"));
        ServerSettings d = ServerSettings.defaults();
        long maxBody = n.get("max-body-bytes").longValue(d.maxBodyBytes(), 1024, 1L << 31);
        long buffered = n.get("max-buffered-body-bytes").longValue(Math.max(d.maxBufferedBodyBytes(), maxBody), 1024, 1L << 40);
        if (buffered < maxBody) {
            throw n.get("max-buffered-body-bytes").error("must be at least max-body-bytes (" + maxBody
                    + "), or a body of the largest size could never be taken");
        }
        return new ServerSettings(
                n.get("host").string(d.host()),
                n.get("port").integer(d.port(), 0, 65535),
                maxBody,
                n.get("max-concurrent-requests").integer(d.maxConcurrentRequests(), 1, 1_000_000),
                n.get("request-timeout").duration(d.requestTimeout()),
                n.get("shutdown-grace").duration(d.shutdownGrace()),
                n.get("log-requests").bool(d.logRequests()),
                n.get("cors-origins").stringList(),
                d.upstreamMaxConnections(),
                d.upstreamMaxResponseBytes(),
                d.upstreamMaxEmbeddingsResponseBytes(),
                n.get("sse-keep-alive").duration(d.sseKeepAlive()),
                n.get("body-timeout").duration(d.bodyTimeout()),
                n.get("header-timeout").duration(d.headerTimeout()),
                idleTimeout(n.get("idle-timeout"), d.idleTimeout()),
                (int) n.get("max-header-bytes").longValue(d.maxHeaderBytes(), 1024, 1024 * 1024),
                (int) n.get("max-request-line-bytes").longValue(d.maxRequestLineBytes(), 256, 64 * 1024),
                d.upstreamMaxEventBytes(),
                buffered,
                n.get("stored-responses-bytes").longValue(d.storedResponsesBytes(), 0, 1L << 40),
                n.get("stored-responses-ttl").duration(d.storedResponsesTtl()));
    }

    private static Timeouts timeouts(ConfigNode n, Timeouts d) {
        n.onlyKeys(Set.of("connect-timeout", "first-byte-timeout", "idle-timeout", "total-timeout"));
        return readTimeouts(n, d);
    }

    private static Timeouts readTimeouts(ConfigNode n, Timeouts d) {
        return new Timeouts(
                n.get("connect-timeout").duration(d.connect()),
                n.get("first-byte-timeout").duration(d.firstByte()),
                n.get("idle-timeout").duration(d.idle()),
                n.get("total-timeout").duration(d.total()));
    }

    private static final List<String> MODEL_ENTRY_KEYS = List.of("model_name", "litellm_params", "model_info");

    private Deployment deployment(ConfigNode entry, int index, Timeouts defaults, Function<String, String> env) {
        String modelName = entry.get("model_name").requiredString();
        // Other gateways' entries carry keys of their own, so an unknown one is not refused; but a typo such as
        // 'modle_info' would silently drop the model's prices and tier, so say so.
        List<String> unread = entry.keys().stream().filter(k -> !MODEL_ENTRY_KEYS.contains(k)).toList();
        if (!unread.isEmpty()) {
            LOG.warning(() -> entry.path() + ": " + unread + " not read (an entry is read for "
                    + String.join(", ", MODEL_ENTRY_KEYS) + ")");
        }
        ConfigNode params = entry.get("litellm_params");
        if (!params.present()) throw params.error("is required");
        // A scalar or list here has no keys to read: say what is wrong rather than that 'model' is missing.
        if (!params.raw().isObject()) throw params.error("must be a mapping");
        String model = params.get("model").requiredString();

        String prefix;
        String upstream;
        int slash = model.indexOf('/');
        if (slash > 0) {
            prefix = model.substring(0, slash);
            upstream = model.substring(slash + 1);
        } else {
            prefix = "openai"; // LiteLLM treats a bare name as an OpenAI model
            upstream = model;
        }
        if (upstream.isBlank()) throw params.get("model").error("names no model after '" + prefix + "/'");
        ProviderPrefixes.Mapping mapping = ProviderPrefixes.lookup(prefix).orElseThrow(() ->
                params.get("model").error("unknown provider '" + prefix + "' (known: " + String.join(", ",
                        new java.util.TreeSet<>(knownProviders)) + ", and OpenAI-compatible services such as groq, "
                        + "together_ai, mistral, deepseek, openrouter, gemini, hosted_vllm, lm_studio)"));
        if (!knownProviders.contains(mapping.adapter())) {
            throw params.get("model").error("provider '" + mapping.adapter() + "' is not available in this build (available: "
                    + String.join(", ", new java.util.TreeSet<>(knownProviders)) + ")");
        }

        ConfigNode baseNode = params.get("api_base").present() ? params.get("api_base") : params.get("base_url");
        Optional<URI> apiBase = baseNode.string().map(s -> uri(baseNode, s));
        if (apiBase.isEmpty() && mapping.defaultApiBase() != null) apiBase = Optional.of(URI.create(mapping.defaultApiBase()));
        if (apiBase.isEmpty() && !mapping.adapter().equals("simulated")) {
            throw params.get("api_base").error("is required for provider '" + prefix + "'");
        }

        Optional<Secret> apiKey = params.get("api_key").secret();
        if (apiKey.isEmpty() && mapping.keyVariable() != null) {
            String v = env.apply(mapping.keyVariable());
            if (v != null && !v.isEmpty()) apiKey = Optional.of(new Secret(v));
        }

        OptionalInt rpm = params.get("rpm").present() ? params.get("rpm").integer(1, Integer.MAX_VALUE)
                : entry.get("rpm").integer(1, Integer.MAX_VALUE);
        OptionalInt tpm = params.get("tpm").present() ? params.get("tpm").integer(1, Integer.MAX_VALUE)
                : entry.get("tpm").integer(1, Integer.MAX_VALUE);
        int weight = params.get("weight").integer(1, 0, 1_000_000);

        Duration total = params.get("timeout").duration(defaults.total());
        Duration streamFirst = params.get("stream_timeout").duration(defaults.firstByte());
        Timeouts timeouts = timeouts(entry.get("timeouts"), new Timeouts(defaults.connect(), streamFirst, defaults.idle(), total));

        Map<String, String> headers = params.get("extra_headers").present()
                ? params.get("extra_headers").stringMap() : params.get("headers").stringMap();

        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        for (String k : params.keys()) {
            if (!LITELLM_PARAMS_USED.contains(k)) extra.set(k, params.get(k).raw());
        }

        // The catalogue's limits and prices stand wherever the config is silent: every stage reads them from here.
        ModelInfo stated = modelInfo(entry.get("model_info"), params);
        ModelInfo info = PriceCatalogue.builtIn().lookup(upstream)
                .map(e -> stated.withUnstated(e.prices(), e.contextWindow(), e.maxOutputTokens())).orElse(stated);
        String id = entry.get("model_info").get("id").string(modelName + "#" + index);
        return new Deployment(id, modelName, mapping.adapter(), upstream, apiBase, apiKey, headers, extra, rpm, tpm,
                weight, timeouts, info);
    }

    private static ModelInfo modelInfo(ConfigNode n, ConfigNode params) {
        ModelInfo d = ModelInfo.defaults();
        if (!n.present()) {
            boolean maxDeclared = params.get("max_tokens").present();
            int maxOut = params.get("max_tokens").integer(d.maxOutputTokens(), 1, 10_000_000);
            return new ModelInfo(d.tier(), d.label(), d.taskTypes(), d.contextWindow(), maxOut, d.prices(), d.mode(),
                    d.description(), Optional.empty(), java.util.OptionalDouble.empty(),
                    maxDeclared ? Set.of(ModelInfo.MAX_OUTPUT) : Set.of());
        }
        // Read as a list, every key would be missing and the defaults would stand in silently.
        if (!n.raw().isObject()) throw n.error("must be a mapping");
        Set<String> declared = new HashSet<>();
        // LiteLLM writes prices per token; Switchboard's own keys are per million tokens.
        double in = perMillion(n, "input_cost_per_token", "input-price-per-million");
        double out = perMillion(n, "output_cost_per_token", "output-price-per-million");
        double cached = perMillion(n, "cache_read_input_token_cost", "cached-input-price-per-million");
        double cacheWrite = perMillion(n, "cache_creation_input_token_cost", "cache-write-price-per-million");
        for (String k : List.of("input_cost_per_token", "input-price-per-million", "output_cost_per_token",
                "output-price-per-million")) {
            if (n.get(k).present()) declared.add(ModelInfo.PRICES);
        }
        if (n.get("max_input_tokens").present() || n.get("context-window").present()) declared.add(ModelInfo.CONTEXT_WINDOW);
        if (n.get("max_output_tokens").present() || n.get("max_tokens").present() || params.get("max_tokens").present()) {
            declared.add(ModelInfo.MAX_OUTPUT);
        }
        int context = n.get("max_input_tokens").present()
                ? n.get("max_input_tokens").integer(d.contextWindow(), 1, 100_000_000)
                : n.get("context-window").integer(d.contextWindow(), 1, 100_000_000);
        int maxOut = n.get("max_output_tokens").present()
                ? n.get("max_output_tokens").integer(d.maxOutputTokens(), 1, 10_000_000)
                : n.get("max_tokens").integer(params.get("max_tokens").integer(d.maxOutputTokens(), 1, 10_000_000), 1, 10_000_000);
        String mode = n.get("mode").string("chat");
        if (!Set.of("chat", "embedding", "completion").contains(mode)) throw n.get("mode").error("must be chat, completion or embedding: the modes this gateway serves");
        java.util.OptionalDouble relativeCost = n.get("relative-cost").present()
                ? java.util.OptionalDouble.of(n.get("relative-cost").number(0, 0, 1_000_000)) : java.util.OptionalDouble.empty();
        return new ModelInfo(
                n.get("tier").integer(1, 100),
                n.get("label").string(),
                Set.copyOf(n.get("task-types").stringList()),
                context,
                maxOut,
                new Prices(in, out, cached, cacheWrite),
                mode,
                n.get("description").string(),
                quality(n),
                relativeCost,
                declared);
    }

    /** {@code quality: 0.8} (flat) or {@code quality: {low: .85, high: .55}}, plus {@code quality-by-type}. */
    private static Optional<QualityProfile> quality(ConfigNode info) {
        ConfigNode q = info.get("quality");
        ConfigNode byType = info.get("quality-by-type");
        if (!q.present() && !byType.present()) return Optional.empty();
        if (!q.present()) throw q.error("is required when quality-by-type is given");
        QualityProfile profile = new QualityProfile(curve(q), Map.of());
        for (String type : byType.keys()) {
            QualityProfile.Curve c = curve(byType.get(type));
            profile = profile.withType(type, c.low(), c.high());
        }
        return Optional.of(profile);
    }

    private static QualityProfile.Curve curve(ConfigNode n) {
        if (n.raw().isNumber() || n.raw().isTextual()) {
            double v = n.number(0, 0, 1);
            return new QualityProfile.Curve(v, v);
        }
        n.onlyKeys(Set.of("low", "high"));
        if (!n.get("low").present()) throw n.get("low").error("is required");
        double low = n.get("low").number(0, 0, 1);
        return new QualityProfile.Curve(low, n.get("high").number(low, 0, 1));
    }

    private static double perMillion(ConfigNode info, String perTokenKey, String perMillionKey) {
        if (info.get(perMillionKey).present()) return info.get(perMillionKey).number(0, 0, 1_000_000);
        return info.get(perTokenKey).number(0, 0, 1) * 1_000_000;
    }

    private static URI uri(ConfigNode n, String s) {
        try {
            URI u = new URI(s);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw n.error("must be an http(s) URL (was '" + Secret.redactUrl(s) + "')");
            }
            return u;
        } catch (URISyntaxException e) {
            throw n.error("is not a valid URL: " + e.getReason());
        }
    }

    private static void warnIgnored(ConfigNode section) {
        List<String> unused = section.keys().stream()
                .filter(k -> !ReliabilitySettings.LITELLM_SETTINGS_USED.containsKey(k) && !ReliabilitySettings.REDIS_KEYS.contains(k)).toList();
        if (!unused.isEmpty()) {
            LOG.info(() -> "config section '" + section.path() + "' is accepted for LiteLLM compatibility; its keys "
                    + unused + " are not used by Switchboard");
        }
    }
}
