package dev.switchboard.core.reliability;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.config.RoutingStrategy;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.GatewayRequest;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.AttributeKey;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.spi.RequestDefaults;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.RouteStage;
import dev.switchboard.core.stages.Router;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Walks the plan's candidates, then the fallback model groups, until one deployment answers.
 *
 * <ul>
 *   <li>Order: the plan (the requested group, load-balanced); on a prompt that does not fit, or an
 *       upstream context-length error, the {@code context_window_fallbacks}; once everything else
 *       failed, the body's {@code fallbacks} if the client sent some, else the group's
 *       {@code fallbacks}, else {@code default_fallbacks}.
 *   <li>Skipped without a call: deployments whose window cannot hold prompt + requested output, whose
 *       circuit is open, or whose RPM/TPM budget is spent (those are waited for up to
 *       {@code capacity-wait}, then the answer is a 429 with {@code Retry-After}).
 *   <li>A context-length error drops every remaining candidate with a window no larger than the one that
 *       failed, so the same model is never asked again. A content-filter rejection ends the walk with
 *       its reason, unless the group has {@code content_policy_fallbacks}, which are then the only
 *       candidates left. A request error (400, 413, 500 of the gateway) is the answer at once.
 *   <li>{@code x-switchboard-fallbacks} says how many deployments failed before the one that answered.
 * </ul>
 */
public final class FallbackStage implements Stage {
    /** Whether another candidate follows the current one: the retry stage fails over rather than waits. */
    public static final AttributeKey<Boolean> HAS_ALTERNATIVE = AttributeKey.of("fallback-has-alternative", Boolean.class);

    private final ReliabilitySettings settings;
    private final Router groups;
    private final DeploymentHealth health;
    private final DeploymentLimits limits;
    private final TokenCounter tokens;
    private final Ticker ticker;
    private final Sleeper sleeper;

    /**
     * @param groups resolves a fallback model group to its deployments in load-balanced order
     */
    public FallbackStage(ReliabilitySettings settings, Router groups, DeploymentHealth health, DeploymentLimits limits,
            TokenCounter tokens, Ticker ticker, Sleeper sleeper) {
        this.settings = settings;
        this.groups = groups;
        this.health = health;
        this.limits = limits;
        this.tokens = tokens;
        this.ticker = ticker;
        this.sleeper = sleeper;
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        RoutePlan plan = RouteStage.planOf(exchange);
        List<String> bodyFallbacks = List.of();
        if (exchange.request() instanceof ChatRequest chat) {
            RequestOptions options = RequestOptions.read(chat);
            bodyFallbacks = options.fallbacks();
            if (options.timeout().isPresent()) exchange = RequestOptions.shorten(exchange, options.timeout().get());
            exchange = exchange.withRequest(RequestOptions.strip(chat));
        }
        if (settings.requestTimeout().isPresent()) exchange = RequestOptions.shorten(exchange, settings.requestTimeout().get());
        return new Walk(exchange, plan, bodyFallbacks).run(next);
    }

    /** One request's way through its candidates. */
    private final class Walk {
        private final Exchange exchange;
        private final String model;
        private final Deque<Deployment> queue;
        private final List<String> genericFallbacks;
        private final Set<String> tried = new HashSet<>();
        private final Set<String> groupsQueued = new HashSet<>();
        private final List<Deployment> awaitingCapacity = new ArrayList<>();
        private boolean genericQueued;
        private boolean contentFiltered;
        private int failed;
        private int largestFailedWindow;
        private long capacityWaitLeftNanos = settings.capacityWait().toNanos();
        private Duration capacityRetryAfter;
        private Duration coolingRetryAfter;
        private GatewayException lastError;
        private GatewayException contentError;
        private long tooLargeTokens = -1;
        private int largestWindow;

        Walk(Exchange exchange, RoutePlan plan, List<String> bodyFallbacks) {
            this.exchange = exchange;
            // A routed request (switchboard/auto, a router chain) falls back as a call to the group it was routed to would.
            this.model = plan.router().equals(ModelGroupRouter.NAME) || plan.candidates().isEmpty()
                    ? exchange.request().model() : plan.candidates().getFirst().modelName();
            this.queue = new ArrayDeque<>(plan.candidates());
            this.genericFallbacks = bodyFallbacks.isEmpty() ? settings.fallbacksFor(model) : bodyFallbacks;
            groupsQueued.add(model);
            for (String name : bodyFallbacks) {
                if (!name.equals(model) && groups.route(exchange.withRequest(withModel(exchange.request(), name))).isEmpty()) {
                    throw new GatewayException.BadRequest("Invalid value in 'fallbacks': no model named '" + name + "'.",
                            "fallbacks");
                }
            }
        }

        Reply run(Chain next) {
            while (true) {
                Deployment d = nextCandidate();
                if (d == null) {
                    if (waitForCapacity()) continue;
                    throw exhausted();
                }
                if (ticker.nanoTime() >= exchange.deadlineNanos()) {
                    throw lastError != null ? lastError
                            : new GatewayException.UpstreamTimeout("the request deadline passed before a deployment answered");
                }
                if (!fits(d)) continue;
                if (health.blockedAt(d.id(), ticker.nanoTime())) {
                    coolingRetryAfter = min(coolingRetryAfter, health.blockedFor(d.id()));
                    continue;
                }
                long estimate = estimateFor(d);
                DeploymentLimits.Reservation reservation = limits.reserve(d, estimate);
                if (!reservation.granted()) {
                    awaitingCapacity.add(d);
                    capacityRetryAfter = min(capacityRetryAfter, reservation.retryAfter());
                    continue;
                }
                tried.add(d.id());
                exchange.context().set(HAS_ALTERNATIVE, alternativeAvailable());
                try {
                    Reply reply = settled(d, estimate, next.proceed(exchange.withTarget(d)));
                    exchange.context().header("x-switchboard-fallbacks", Integer.toString(failed));
                    if (!d.modelName().equals(model)) exchange.context().header("x-switchboard-fallback-model", d.modelName());
                    return reply;
                } catch (GatewayException e) {
                    onFailure(d, e);
                }
            }
        }

        private Deployment nextCandidate() {
            while (true) {
                if (queue.isEmpty() && !genericQueued && !contentFiltered) {
                    genericQueued = true;
                    genericFallbacks.forEach(this::queueGroup);
                }
                Deployment d = queue.poll();
                if (d == null) return null;
                if (!tried.contains(d.id())) return d;
            }
        }

        /** Whether a later candidate could take the request now (not tried, not cooling down, big enough). */
        private boolean alternativeAvailable() {
            long now = ticker.nanoTime();
            for (Deployment c : queue) {
                if (!tried.contains(c.id()) && !health.blockedAt(c.id(), now) && c.info().contextWindow() > largestFailedWindow) {
                    return true;
                }
            }
            return !genericQueued && !contentFiltered && !genericFallbacks.isEmpty();
        }

        private void onFailure(Deployment d, GatewayException e) {
            failed++;
            lastError = e;
            switch (e) {
                case GatewayException.ContextWindowExceeded cwe -> {
                    largestFailedWindow = Math.max(largestFailedWindow, d.info().contextWindow());
                    queue.removeIf(c -> c.info().contextWindow() <= largestFailedWindow);
                    settings.contextWindowFallbacks().getOrDefault(model, List.of()).forEach(this::queueGroup);
                }
                case GatewayException.ContentFiltered cf -> {
                    List<String> policy = settings.contentPolicyFallbacks().getOrDefault(model, List.of());
                    if (contentFiltered || policy.isEmpty()) throw e;
                    contentFiltered = true;
                    contentError = e;
                    queue.clear();
                    policy.forEach(this::queueGroup);
                }
                case GatewayException.Retryable r -> { }
                case GatewayException.AuthenticationFailed a -> { }
                case GatewayException.PermissionDenied p -> { }
                case GatewayException.NotFound n -> { }
                case GatewayException.Unsupported u -> { }
                default -> throw e;
            }
        }

        /** Context-window pre-check: prompt + requested output must fit; a cheap bound avoids tokenizing. */
        private boolean fits(Deployment d) {
            if (!(exchange.request() instanceof ChatRequest chat)) return true;
            int window = d.info().contextWindow();
            if (window <= largestFailedWindow) return false;
            long defaultOutput = defaultOutput(chat, d);
            if (TokenEstimate.upperBound(chat) + defaultOutput <= window) return true;
            long needed = TokenEstimate.of(exchange, tokens).total() + defaultOutput;
            if (needed <= window) return true;
            tooLargeTokens = needed;
            largestWindow = Math.max(largestWindow, window);
            settings.contextWindowFallbacks().getOrDefault(model, List.of()).forEach(this::queueGroup);
            return false;
        }

        private long estimateFor(Deployment d) {
            boolean needed = d.tpm().isPresent() || settings.routingStrategy() == RoutingStrategy.USAGE_BASED;
            if (!needed) return 0;
            long output = exchange.request() instanceof ChatRequest chat ? defaultOutput(chat, d) : 0;
            return TokenEstimate.of(exchange, tokens).total() + output;
        }

        /** Corrects the TPM reservation with the real usage: at once for a response, at the end for a stream. */
        private Reply settled(Deployment d, long estimate, Reply reply) {
            if (estimate <= 0) return reply;
            return switch (reply) {
                case Reply.Complete c -> {
                    c.response().usage().ifPresent(u -> limits.settle(d, estimate, (long) u.promptTokens() + u.completionTokens()));
                    yield reply;
                }
                case Reply.Streaming s -> {
                    AtomicReference<Usage> usage = new AtomicReference<>();
                    yield new Reply.Streaming(s.stream().map(chunk -> {
                        chunk.usage().ifPresent(usage::set);
                        return chunk;
                    }).onEnd(error -> {
                        Usage u = usage.get();
                        if (u != null) limits.settle(d, estimate, (long) u.promptTokens() + u.completionTokens());
                    }));
                }
                case Reply.Embeddings e -> reply;
            };
        }

        /** When only RPM/TPM budgets stood in the way, waits for the soonest refill (within bounds) and walks again. */
        private boolean waitForCapacity() {
            if (awaitingCapacity.isEmpty()) return false;
            long wait = capacityRetryAfter.toNanos();
            if (wait > capacityWaitLeftNanos || ticker.nanoTime() + wait >= exchange.deadlineNanos()) return false;
            sleeper.sleep(capacityRetryAfter);
            capacityWaitLeftNanos -= wait;
            queue.addAll(awaitingCapacity);
            awaitingCapacity.clear();
            capacityRetryAfter = null;
            return true;
        }

        private GatewayException exhausted() {
            if (!awaitingCapacity.isEmpty()) {
                return new GatewayException.RateLimited("every deployment of '" + model + "' is at its RPM/TPM limit",
                        capacityRetryAfter);
            }
            if (contentError != null) return contentError;
            if (lastError != null) return lastError;
            if (coolingRetryAfter != null) {
                return new GatewayException.Overloaded("every deployment of '" + model + "' is cooling down after failures",
                        coolingRetryAfter);
            }
            if (tooLargeTokens >= 0) {
                return new GatewayException.ContextWindowExceeded("This model's maximum context length is " + largestWindow
                        + " tokens. However, you requested " + tooLargeTokens + " tokens (prompt plus max_tokens). "
                        + "Please reduce the length of the messages or the completion.");
            }
            return new GatewayException.Overloaded("no deployment is available for '" + model + "'", null);
        }

        private void queueGroup(String name) {
            if (!groupsQueued.add(name)) return;
            groups.route(exchange.withRequest(withModel(exchange.request(), name)))
                    .ifPresent(p -> queue.addAll(p.candidates()));
        }
    }

    /** The deployment's own {@code max_tokens}, which the call will carry when the client set none. */
    private static long defaultOutput(ChatRequest chat, Deployment d) {
        return chat.maxTokens().isPresent() ? 0 : RequestDefaults.maxTokens(d).orElse(0);
    }

    private static GatewayRequest withModel(GatewayRequest r, String model) {
        return switch (r) {
            case ChatRequest c -> c.withModel(model);
            case EmbeddingRequest e -> e.withModel(model);
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }
}
