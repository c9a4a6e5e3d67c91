package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Wire fixtures written from OpenAI's API reference, and the deployment the contract tests call. */
final class OpenAiFixtures {
    static final Ticker FIXED_TIME = new Ticker() {
        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public long epochMillis() {
            return 1_755_012_000_000L; // 2025-08-12T15:20:00Z
        }
    };

    private OpenAiFixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = OpenAiFixtures.class.getResourceAsStream("/fixtures/openai/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return Json.MAPPER.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Deployment deployment(String apiBase, Optional<Secret> key, Map<String, String> headers) {
        return new Deployment("openai-gpt-4o-mini", "smart", "openai", "gpt-4o-mini", Optional.of(URI.create(apiBase)), key,
                headers, Json.object(), OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT, ModelInfo.defaults());
    }

    static Deployment deployment() {
        return deployment("https://api.openai.com/v1", Optional.of(new Secret("sk-test-4f2a")), Map.of());
    }
}
