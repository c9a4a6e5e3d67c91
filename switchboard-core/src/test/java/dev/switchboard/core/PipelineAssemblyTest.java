package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.reliability.DeploymentHealth;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PipelineAssemblyTest {
    @Test
    void stagesFollowTheDesignOrder() {
        SwitchboardConfig config = new ConfigLoader(name -> null, Set.of("openai")).parse("""
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o, api_key: sk-test}
                """, "test");
        DeploymentHealth health = new DeploymentHealth(config.reliability(), config.deployments(), Ticker.SYSTEM);

        var pipeline = PipelineAssembly.build(config, new ProviderRegistry(Map.of(), null), Optional.empty(), health, Optional.empty(),
                Ticker.SYSTEM, new TokenCounter()).pipeline();

        assertThat(pipeline.stageNames()).containsExactly("ObserveStage", "DecomposeStage", "RouteStage", "FallbackStage",
                "RetryStage", "HealthStage", "ProviderCallStage");
    }

    @Test
    void aConfiguredCascadeRunsRightAfterDecomposition() {
        SwitchboardConfig config = new ConfigLoader(name -> null, Set.of("openai")).parse("""
                model_list:
                  - model_name: small
                    litellm_params: {model: openai/gpt-4o-mini, api_key: sk-test}
                  - model_name: large
                    litellm_params: {model: openai/gpt-4o, api_key: sk-test}
                switchboard:
                  cascades:
                    cheap-first: {models: [small, large]}
                """, "test");
        DeploymentHealth health = new DeploymentHealth(config.reliability(), config.deployments(), Ticker.SYSTEM);

        var pipeline = PipelineAssembly.build(config, new ProviderRegistry(Map.of(), null), Optional.empty(), health, Optional.empty(),
                Ticker.SYSTEM, new TokenCounter()).pipeline();

        assertThat(pipeline.stageNames()).containsExactly("ObserveStage", "DecomposeStage", "CascadeStage", "RouteStage",
                "FallbackStage", "RetryStage", "HealthStage", "ProviderCallStage");
    }
}
