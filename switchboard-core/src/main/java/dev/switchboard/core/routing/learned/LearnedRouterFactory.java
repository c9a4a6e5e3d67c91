package dev.switchboard.core.routing.learned;

import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.spi.RouterFactory;
import dev.switchboard.core.stages.Router;

/** {@code - learned: {model: NAME, strong-model: A, weak-model: B, strong-pct: 0.3}} in {@code switchboard.routers}. */
public final class LearnedRouterFactory implements RouterFactory {
    @Override
    public String type() {
        return LearnedRouter.NAME;
    }

    @Override
    public Router create(ConfigNode settings, SwitchboardConfig config) {
        return LearnedRouter.of(LearnedRouterConfig.parse(settings), config.modelGroups());
    }
}
