package dev.switchboard.embeddings;

import dev.switchboard.core.config.ConfigNode;
import dev.switchboard.core.config.SwitchboardConfig;
import dev.switchboard.core.spi.RouterFactory;
import dev.switchboard.core.stages.Router;

/** {@code - semantic: {model: NAME, routes: [...]}} in {@code switchboard.routers}: embeds locally, offline. */
public final class SemanticRouterFactory implements RouterFactory {
    @Override
    public String type() {
        return SemanticRouter.NAME;
    }

    @Override
    public Router create(ConfigNode settings, SwitchboardConfig config) {
        return new SemanticRouter(SemanticRouterConfig.parse(settings), new MiniLmEmbedder(), config.modelGroups());
    }
}
