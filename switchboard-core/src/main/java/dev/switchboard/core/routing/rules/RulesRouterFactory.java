package dev.switchboard.core.routing.rules;

import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.spi.RouterFactory;
import dev.switchboard.core.stages.Router;

/** {@code - rules: {model: NAME, rules: [...]}} in {@code switchboard.routers}. */
public final class RulesRouterFactory implements RouterFactory {
    @Override
    public String type() {
        return RulesRouter.NAME;
    }

    @Override
    public Router create(ConfigNode settings, SwitchboardConfig config) {
        return new RulesRouter(RulesRouterConfig.parse(settings), config.modelGroups());
    }
}
