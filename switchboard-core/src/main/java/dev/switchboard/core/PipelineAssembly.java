package dev.switchboard.core;

import dev.switchboard.core.config.ReliabilitySettings;
import dev.switchboard.core.config.RoutingStrategy;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.pipeline.Pipeline;
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.reliability.BalancingStrategy;
import dev.switchboard.core.reliability.DeploymentHealth;
import dev.switchboard.core.reliability.DeploymentLimits;
import dev.switchboard.core.reliability.FallbackStage;
import dev.switchboard.core.reliability.HealthStage;
import dev.switchboard.core.reliability.RetryPolicy;
import dev.switchboard.core.reliability.RetryStage;
import dev.switchboard.core.reliability.Sleeper;
import dev.switchboard.core.stages.AuthStage;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.ObserveStage;
import dev.switchboard.core.stages.ProviderCallStage;
import dev.switchboard.core.stages.RouteStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place the pipeline is built, in the order of DESIGN.md §1. A disabled feature is absent from
 * the list, never a flag checked inside a stage.
 */
final class PipelineAssembly {
    private PipelineAssembly() {}

    static Pipeline build(SwitchboardConfig config, ProviderRegistry providers, Ticker ticker, TokenCounter tokens,
            DeploymentHealth health) {
        ReliabilitySettings reliability = config.reliability();
        DeploymentLimits limits = new DeploymentLimits(config.deployments(), ticker);
        BalancingStrategy balancing = BalancingStrategy.of(reliability.routingStrategy(), health, limits,
                reliability.latencyExploration(), ThreadLocalRandom::current);
        ModelGroupRouter groups = new ModelGroupRouter(config.modelGroups(), balancing,
                reliability.routingStrategy() == RoutingStrategy.USAGE_BASED ? Optional.of(tokens) : Optional.empty());

        List<Stage> stages = new ArrayList<>();
        stages.add(new ObserveStage(ticker));
        config.masterKey().ifPresent(key -> stages.add(new AuthStage(key)));
        stages.add(new RouteStage(List.of(groups)));
        stages.add(new FallbackStage(reliability, groups, health, limits, tokens, ticker, Sleeper.SYSTEM));
        stages.add(new RetryStage(RetryPolicy.of(reliability), health, ticker));
        stages.add(new HealthStage(health));
        stages.add(new ProviderCallStage(providers, ticker));
        return new Pipeline(stages);
    }
}
