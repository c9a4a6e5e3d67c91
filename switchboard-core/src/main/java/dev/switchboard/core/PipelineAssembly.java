package dev.switchboard.core;

import dev.switchboard.core.cascade.CascadeStage;
import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.config.RoutingStrategy;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.ledger.Ledger;
import dev.switchboard.core.pipeline.Pipeline;
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.reliability.BalancingStrategy;
import dev.switchboard.core.reliability.DeploymentHealth;
import dev.switchboard.core.reliability.DeploymentLimits;
import dev.switchboard.core.reliability.FallbackStage;
import dev.switchboard.core.reliability.HealthStage;
import dev.switchboard.core.reliability.RetryPolicy;
import dev.switchboard.core.reliability.RetryStage;
import dev.switchboard.core.reliability.SharedState;
import dev.switchboard.core.reliability.Sleeper;
import dev.switchboard.core.routing.ModelRegistry;
import dev.switchboard.core.routing.PriceCatalogue;
import dev.switchboard.core.routing.TaskClassifier;
import dev.switchboard.core.routing.TaskSplitter;
import dev.switchboard.core.routing.UtilityRouter;
import dev.switchboard.core.stages.AccessLog;
import dev.switchboard.core.stages.AuthStage;
import dev.switchboard.core.stages.DecomposeStage;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.ObserveStage;
import dev.switchboard.core.stages.ProviderCallStage;
import dev.switchboard.core.stages.RequestOutcome;
import dev.switchboard.core.stages.RouteStage;
import dev.switchboard.core.stages.SpendCalculator;
import dev.switchboard.core.stages.SpendObserver;
import dev.switchboard.core.spi.RouterFactory;
import dev.switchboard.core.stages.Router;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The one place the pipeline is built, in the order of DESIGN.md §1. A disabled feature is absent from
 * the list, never a flag checked inside a stage.
 */
final class PipelineAssembly {
    private PipelineAssembly() {}

    /** The built pipeline and the parts of it the engine also serves directly (dry runs, spend). */
    record Assembly(Pipeline pipeline, DecomposeStage decompose, UtilityRouter router, SpendCalculator spend, RouteStage route) {}

    static Assembly build(SwitchboardConfig config, ProviderRegistry providers, Optional<Ledger> ledger,
            DeploymentHealth health, Optional<SharedState> shared, Ticker ticker, TokenCounter tokens) {
        ModelRegistry registry = new ModelRegistry(config.deployments(), PriceCatalogue.builtIn());
        SpendCalculator spend = new SpendCalculator(config.deployments(), registry);
        UtilityRouter router = new UtilityRouter(registry, config.routing(), new TaskClassifier(config.routing(), tokens), tokens);
        DecomposeStage decompose = new DecomposeStage(config.routing(), new TaskSplitter(config.routing()), router, spend, ticker,
                config.server().upstreamMaxResponseBytes());

        ReliabilitySettings reliability = config.reliability();
        DeploymentLimits limits = new DeploymentLimits(config.deployments(), ticker, shared);
        BalancingStrategy balancing = BalancingStrategy.of(reliability.routingStrategy(), health, limits,
                reliability.latencyExploration(), ThreadLocalRandom::current);
        ModelGroupRouter groups = new ModelGroupRouter(config.modelGroups(), balancing,
                reliability.routingStrategy() == RoutingStrategy.USAGE_BASED ? Optional.of(tokens) : Optional.empty());

        List<Consumer<RequestOutcome>> observers = new ArrayList<>();
        if (config.server().logRequests()) observers.add(new AccessLog(ticker));
        observers.add(new SpendObserver(spend, ledger, ticker));

        List<Stage> stages = new ArrayList<>();
        stages.add(new ObserveStage(ticker, observers));
        config.masterKey().ifPresent(key -> stages.add(new AuthStage(key)));
        stages.add(decompose);
        if (!config.cascades().isEmpty()) stages.add(new CascadeStage(config.cascades(), spend, ticker, groups));
        List<Router> routers = new ArrayList<>(RouterFactory.configured(config));
        routers.add(router);
        routers.add(groups);
        Set<String> chatOnly = new HashSet<>(config.routing().modelNames());
        chatOnly.addAll(config.cascades().keySet());
        config.routers().forEach(entry -> entry.get(entry.keys().getFirst()).get("model").string().ifPresent(chatOnly::add));
        chatOnly.removeAll(config.modelGroups().keySet()); // a group of the name answers for itself
        RouteStage route = new RouteStage(routers, chatOnly);
        stages.add(route);
        stages.add(new FallbackStage(reliability, groups, health, limits, tokens, ticker, Sleeper.SYSTEM));
        stages.add(new RetryStage(RetryPolicy.of(reliability), health, ticker));
        stages.add(new HealthStage(health));
        stages.add(new ProviderCallStage(providers, ticker, config.server().upstreamMaxEventBytes()));
        return new Assembly(new Pipeline(stages), decompose, router, spend, route);
    }
}
