package dev.switchboard.core;

import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.pipeline.Pipeline;
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.stages.AccessLog;
import dev.switchboard.core.stages.AuthStage;
import dev.switchboard.core.stages.FallbackStage;
import dev.switchboard.core.stages.ModelGroupRouter;
import dev.switchboard.core.stages.ObserveStage;
import dev.switchboard.core.stages.ProviderCallStage;
import dev.switchboard.core.stages.RequestOutcome;
import dev.switchboard.core.stages.RouteStage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one place the pipeline is built, in the order of DESIGN.md §1. A disabled feature is absent from
 * the list, never a flag checked inside a stage.
 */
final class PipelineAssembly {
    private PipelineAssembly() {}

    static Pipeline build(SwitchboardConfig config, ProviderRegistry providers, Ticker ticker, TokenCounter tokens) {
        List<Stage> stages = new ArrayList<>();
        List<Consumer<RequestOutcome>> observers = new ArrayList<>();
        if (config.server().logRequests()) observers.add(new AccessLog(ticker));
        stages.add(new ObserveStage(ticker, observers));
        config.masterKey().ifPresent(key -> stages.add(new AuthStage(key)));
        stages.add(new RouteStage(List.of(new ModelGroupRouter(config.modelGroups()))));
        stages.add(new FallbackStage());
        stages.add(new ProviderCallStage(providers, ticker));
        return new Pipeline(stages);
    }
}
