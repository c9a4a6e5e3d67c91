package dev.switchboard.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.LedgerSettings;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.routing.UtilityRouter;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.spi.LedgerStoreProvider;
import dev.switchboard.core.spi.RequestDefaults;
import dev.switchboard.core.spi.TransportFactory;
import dev.switchboard.core.stages.AuthStage;
import dev.switchboard.core.stages.SpendCalculator;
import dev.switchboard.core.wire.Json;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import dev.switchboard.core.config.DefaultConfig;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.GatewayRequest;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Pipeline;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.config.RedisSettings;
import dev.switchboard.core.reliability.DeploymentHealth;
import dev.switchboard.core.reliability.SharedState;
import dev.switchboard.core.reliability.SharedStore;
import dev.switchboard.core.spi.SharedStoreProvider;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine, embeddable without HTTP. The HTTP server is a thin codec over this same object, so an
 * in-process call runs exactly the pipeline a network call does.
 *
 * <pre>{@code
 * try (Switchboard sb = Switchboard.create(Switchboard.loadConfig(Path.of("switchboard.yaml")))) {
 *     ChatResponse r = sb.chat(ChatRequest.builder("gpt-4o-mini").message(Message.user("Hello")).build());
 * }
 * }</pre>
 */
public final class Switchboard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Switchboard.class.getName());
    /** As {@link UUID#randomUUID()}'s: ids are not guessable. */
    private static final SecureRandom REQUEST_ID_RANDOM = new SecureRandom();

    private final SwitchboardConfig config;
    private final ProviderRegistry providers;
    private final Optional<Ledger> ledger;
    private final PipelineAssembly.Assembly assembly;
    private final Ticker ticker;
    private final TokenCounter tokens;
    private final DeploymentHealth health;
    private final Optional<SharedState> shared;
    private final Map<String, String> routedModels;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Switchboard(SwitchboardConfig config, ProviderRegistry providers, Optional<Ledger> ledger,
            Optional<SharedState> shared, Ticker ticker, TokenCounter tokens) {
        this.config = config;
        this.shared = shared;
        this.providers = providers;
        this.ledger = ledger;
        this.ticker = ticker;
        this.tokens = tokens;
        this.health = new DeploymentHealth(config.reliability(), config.deployments(), ticker, shared);
        this.assembly = PipelineAssembly.build(config, providers, ledger, health, shared, ticker, tokens);
        this.routedModels = routedModels(config); // the config never changes: listed on every /v1/models call
    }

    /** An engine for {@code config}, with the providers found on the class path. */
    public static Switchboard create(SwitchboardConfig config) {
        return create(config, Ticker.SYSTEM);
    }

    public static Switchboard create(SwitchboardConfig config, Ticker ticker) {
        TokenCounter tokens = new TokenCounter();
        ProviderRegistry providers = ProviderRegistry.discover(ticker, tokens, new TransportFactory.TransportSettings(
                config.server().upstreamMaxConnections(), config.server().upstreamMaxResponseBytes(),
                config.server().upstreamMaxEmbeddingsResponseBytes()));
        try {
            // Provider-specific settings (e.g. simulation knobs) are checked now, so bad config refuses to start.
            config.deployments().forEach(d -> providers.forDeployment(d).adapter().validate(d));
            config.deployments().forEach(Switchboard::checkRequestDefaults);
            config.deployments().forEach(d -> warnUnusedParams(d, providers.forDeployment(d).adapter().unusedParams(d)));
        } catch (RuntimeException e) {
            providers.close();
            throw e;
        }
        Optional<Ledger> ledger;
        try {
            ledger = ServiceLoader.load(LedgerStoreProvider.class).findFirst()
                    .flatMap(p -> p.open(config.ledger()))
                    .map(store -> Ledger.start(store, config.ledger(), ticker));
        } catch (RuntimeException e) {
            providers.close();
            throw e;
        }
        if (ledger.isEmpty() && config.ledger().store() != LedgerSettings.Store.NONE) {
            LOG.warning("switchboard.ledger.store is " + config.ledger().store().key()
                    + " but no ledger storage is on the class path (add switchboard-storage); the ledger is off");
        }
        Optional<SharedState> shared;
        try {
            shared = openSharedState(config);
        } catch (RuntimeException e) {
            ledger.ifPresent(Ledger::close);
            providers.close();
            throw e;
        }
        return new Switchboard(config, providers, ledger, shared, ticker, tokens);
    }

    /**
     * The Redis link when {@code switchboard.redis} (or LiteLLM's {@code redis_*}) is set; a Redis that does not answer
     * now refuses the start ({@link dev.switchboard.core.reliability.SharedStoreUnavailableException}), since each
     * replica would otherwise enforce the limits alone without anyone noticing.
     */
    private static Optional<SharedState> openSharedState(SwitchboardConfig config) {
        RedisSettings redis = config.redis();
        if (!redis.enabled()) return Optional.empty();
        Optional<SharedStore> store = ServiceLoader.load(SharedStoreProvider.class).findFirst().flatMap(p -> p.open(redis));
        if (store.isEmpty()) {
            LOG.warning(redis.source() + " is set but no Redis client is on the class path (add switchboard-storage); "
                    + "rpm/tpm limits and cool-downs are kept in this process");
            return Optional.empty();
        }
        LOG.info(() -> "rpm/tpm limits and cool-downs are shared through Redis at " + redis.redactedUrl());
        return Optional.of(SharedState.start(store.get(), redis, config.deployments().stream().map(Deployment::id).toList()));
    }

    /** A deployment's request defaults are checked as a client's request would be, so a bad one refuses to start. */
    private static void checkRequestDefaults(Deployment d) {
        try {
            RequestDefaults.check(d);
        } catch (GatewayException.BadRequest e) {
            String param = e.param().map(p -> p.contains(".") ? p.substring(0, p.indexOf('.')) : p).orElse("");
            throw new ConfigException("model_list[id=" + d.id() + "].litellm_params" + (param.isEmpty() ? "" : "." + param),
                    e.getMessage());
        }
    }

    /**
     * LiteLLM sends a deployment's other {@code litellm_params} to the provider; those this deployment's provider has
     * no place for have no effect here, and a LiteLLM user must be told. Keys only: values may be secrets.
     */
    private static void warnUnusedParams(Deployment deployment, List<String> unused) {
        if (unused.isEmpty()) return;
        LOG.warning("deployment " + deployment.id() + ": litellm_params " + unused + " are not used by the '"
                + deployment.provider() + "' provider and have no effect");
    }

    /** Reads and validates a YAML config file (throws {@link dev.switchboard.core.config.ConfigException}). */
    public static SwitchboardConfig loadConfig(Path file) {
        return new ConfigLoader(System::getenv, availableProviders()).load(file);
    }

    /** The built-in default: simulated tiers, plus cloud models for provider keys in the environment. */
    public static SwitchboardConfig defaultConfig() {
        return DefaultConfig.load(System::getenv, availableProviders());
    }

    /** Provider ids on the class path. */
    public static java.util.Set<String> availableProviders() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        java.util.ServiceLoader.load(dev.switchboard.core.spi.ProviderPlugin.class).forEach(p -> ids.add(p.id()));
        return ids;
    }

    public ChatResponse chat(ChatRequest request) {
        Reply reply = handle(newExchange(request.withStream(false), Credentials.IN_PROCESS, newRequestId()));
        if (reply instanceof Reply.Complete c) return c.response();
        throw new IllegalStateException("expected a complete reply, got " + reply.getClass().getSimpleName());
    }

    /** A streamed chat; the caller must close the stream, which then refuses reads with an {@link IllegalStateException}. */
    public ChatStream stream(ChatRequest request) {
        Reply reply = handle(newExchange(request.withStream(true), Credentials.IN_PROCESS, newRequestId()));
        if (reply instanceof Reply.Streaming s) return s.stream().refusingReadsOnceClosed();
        if (reply instanceof Reply.Complete c) return StreamOfResponse.of(c.response()).refusingReadsOnceClosed();
        throw new IllegalStateException("expected a stream, got " + reply.getClass().getSimpleName());
    }

    public EmbeddingResponse embed(EmbeddingRequest request) {
        Reply reply = handle(newExchange(request, Credentials.IN_PROCESS, newRequestId()));
        if (reply instanceof Reply.Embeddings e) return e.response();
        throw new IllegalStateException("expected embeddings, got " + reply.getClass().getSimpleName());
    }

    /**
     * Runs an exchange down the pipeline; ingress codecs call this.
     *
     * @throws IllegalStateException once the engine is closed: its ledger and upstream connections are gone
     */
    public Reply handle(Exchange exchange) {
        if (closed.get()) throw new IllegalStateException("this Switchboard is closed");
        return assembly.pipeline().run(exchange);
    }

    /**
     * How a request to the routed model would be split and routed, without calling any model (the dry run).
     * Authenticates like a real call.
     */
    public ObjectNode explain(Exchange exchange) {
        String model = exchange.request().model();
        boolean chain = config.routers().stream()
                .anyMatch(r -> r.get(r.keys().getFirst()).get("model").string().filter(model::equals).isPresent());
        if (!exchange.isChat() || !(assembly.decompose().handles(model) || chain)) {
            throw new GatewayException.BadRequest("Only the routed model (" + String.join(", ", config.routing().modelNames())
                    + ") and models served by switchboard.routers can be explained.", "model");
        }
        config.masterKey().ifPresent(key -> new AuthStage(key).authenticate(exchange.credentials()));
        if (assembly.decompose().handles(model)) return assembly.decompose().explain(exchange);
        // A router chain's decision, as a call for this request would get it.
        RoutePlan plan = assembly.route().plan(exchange).orElseThrow(() -> GatewayException.NotFound.model(model));
        ObjectNode out = Json.object().put("router", plan.router()).put("explanation", plan.rationale());
        plan.candidates().stream().findFirst().ifPresent(d -> out.put("model", d.modelName()).put("deployment", d.id()));
        plan.candidates().forEach(d -> out.withArray("candidates").add(d.id()));
        return out;
    }

    /** The routing ledger, when one is configured and its storage is available. */
    public Optional<Ledger> ledger() {
        return ledger;
    }

    /** The state replicas share through Redis, when {@code switchboard.redis} is set. */
    public Optional<SharedState> sharedState() {
        return shared;
    }

    public SpendCalculator spend() {
        return assembly.spend();
    }

    public UtilityRouter router() {
        return assembly.router();
    }

    public Exchange newExchange(GatewayRequest request, Credentials credentials, String requestId) {
        long now = ticker.nanoTime();
        return Exchange.of(requestId, request, credentials, now, now + config.server().requestTimeout().toNanos());
    }

    /**
     * A new request id: a time-ordered UUID (version 7, RFC 9562), 48 bits of milliseconds then 74 random ones. The
     * ledger indexes request ids, and ids that follow the clock append to the index's last pages: random ones (version
     * 4) landed on a different page each, which SQLite read and rewrote for every call once the index outgrew its
     * cache, about a fifth of the gateway's CPU per proxied call.
     */
    public static String newRequestId() {
        byte[] random = new byte[16];
        REQUEST_ID_RANDOM.nextBytes(random);
        ByteBuffer bits = ByteBuffer.wrap(random);
        long msb = System.currentTimeMillis() << 16 | 0x7000 | (bits.getShort(0) & 0x0FFF);
        long lsb = bits.getLong(8) & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    public SwitchboardConfig config() {
        return config;
    }

    public Map<String, List<Deployment>> modelGroups() {
        return config.modelGroups();
    }

    /**
     * Model names a router serves instead of a model group, each with what serves it: {@code utility} for
     * {@code switchboard/auto} and its aliases, the router types of a chain in order (e.g. {@code rules > learned}),
     * {@code cascade}. A name that is also a model group is left out: the group is listed itself and is the chain's
     * default. Clients that pick models from {@code /v1/models} see these too.
     */
    public Map<String, String> routedModels() {
        return routedModels;
    }

    private static Map<String, String> routedModels(SwitchboardConfig config) {
        Map<String, String> names = new java.util.LinkedHashMap<>();
        config.routing().modelNames().forEach(name -> names.put(name, "utility"));
        for (var entry : config.routers()) {
            String type = entry.keys().getFirst();
            entry.get(type).get("model").string().ifPresent(name -> names.merge(name, type, (a, b) -> a + " > " + b));
        }
        config.cascades().keySet().forEach(name -> names.put(name, "cascade"));
        names.keySet().removeAll(config.modelGroups().keySet());
        return java.util.Collections.unmodifiableMap(names);
    }

    public Pipeline pipeline() {
        return assembly.pipeline();
    }

    public Ticker ticker() {
        return ticker;
    }

    public TokenCounter tokens() {
        return tokens;
    }

    /** Circuit state, failures and load of every deployment (for {@code /health/deployments} and model metadata). */
    public DeploymentHealth deploymentHealth() {
        return health;
    }

    /** Stops the part threads, flushes the ledger (nothing queued is lost) and closes upstream connections. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        assembly.decompose().close();
        ledger.ifPresent(Ledger::close);
        shared.ifPresent(SharedState::close);
        providers.close();
    }
}
