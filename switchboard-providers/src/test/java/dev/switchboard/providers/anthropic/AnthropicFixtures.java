package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Secret;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Fixture loading and a deployment to translate for. */
final class AnthropicFixtures {
    static final Ticker FIXED_TIME = new Ticker() {
        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public long epochMillis() {
            return 1_763_880_000_000L;
        }
    };

    private AnthropicFixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = AnthropicFixtures.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Deployment deployment(Map<String, String> headers, ObjectNode params, int maxOutputTokens) {
        ModelInfo d = ModelInfo.defaults();
        ModelInfo info = new ModelInfo(d.tier(), d.label(), d.taskTypes(), 200_000, maxOutputTokens, d.prices(), d.mode(),
                d.description());
        return new Deployment("claude#0", "claude", "anthropic", "claude-sonnet-4-5-20250929",
                Optional.of(URI.create("https://api.anthropic.com")), Optional.of(new Secret("sk-ant-test-key")), headers,
                params, OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT, info);
    }

    static Deployment deployment() {
        return deployment(Map.of(), Json.object(), ModelInfo.DEFAULT_MAX_OUTPUT);
    }
}
