package dev.switchboard.core.reliability;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/** Deployments, requests and a scripted downstream chain for the reliability tests. */
final class Fixtures {
    private Fixtures() {}

    static Deployment deployment(String id, String group) {
        return deployment(id, group, 128_000, OptionalInt.empty(), OptionalInt.empty(), 1, Prices.FREE);
    }

    static Deployment deployment(String id, String group, int contextWindow) {
        return deployment(id, group, contextWindow, OptionalInt.empty(), OptionalInt.empty(), 1, Prices.FREE);
    }

    static Deployment deployment(String id, String group, int contextWindow, OptionalInt rpm, OptionalInt tpm, int weight,
            Prices prices) {
        ModelInfo info = new ModelInfo(OptionalInt.empty(), Optional.empty(), Set.of(), contextWindow, 4096, prices, "chat",
                Optional.empty());
        return new Deployment(id, group, "openai", id + "-upstream", Optional.of(URI.create("http://upstream.test")),
                Optional.empty(), Map.of(), JsonNodeFactory.instance.objectNode(), rpm, tpm, weight, Timeouts.DEFAULT, info);
    }

    static ChatRequest chat(String model, String prompt) {
        return ChatRequest.builder(model).message(Message.user(prompt)).build();
    }

    static Exchange exchange(ChatRequest request, ManualTicker ticker, Duration timeout) {
        long now = ticker.nanoTime();
        return Exchange.of("req-1", request, Credentials.IN_PROCESS, now, now + timeout.toNanos());
    }

    static Reply.Complete complete(String model) {
        return new Reply.Complete(new ChatResponse("chatcmpl-1", 1, model, List.of(), Optional.of(Usage.of(10, 5)),
                Optional.empty(), Optional.empty()));
    }

    static GatewayException.UpstreamError serverError() {
        return new GatewayException.UpstreamError("upstream answered 500", 500, null);
    }

    /**
     * A downstream chain that answers from a script per deployment id (a deployment without a script, or
     * whose script ran out, answers successfully) and records every call.
     */
    static final class ScriptedChain implements Chain {
        final List<String> calls = new ArrayList<>();
        final List<Exchange> exchanges = new ArrayList<>();
        private final Map<String, Deque<Supplier<Reply>>> scripts = new HashMap<>();
        private Runnable onCall = () -> {};

        ScriptedChain fail(String deploymentId, GatewayException... errors) {
            for (GatewayException e : errors) {
                script(deploymentId).add(() -> {
                    throw e;
                });
            }
            return this;
        }

        ScriptedChain answer(String deploymentId, Supplier<Reply> reply) {
            script(deploymentId).add(reply);
            return this;
        }

        /** Runs before each call, e.g. to let time pass. */
        ScriptedChain onCall(Runnable r) {
            onCall = r;
            return this;
        }

        private Deque<Supplier<Reply>> script(String id) {
            return scripts.computeIfAbsent(id, k -> new ArrayDeque<>());
        }

        @Override
        public Reply proceed(Exchange exchange) {
            String id = exchange.target().orElseThrow().id();
            calls.add(id);
            exchanges.add(exchange);
            onCall.run();
            Supplier<Reply> next = script(id).poll();
            return next == null ? complete(id) : next.get();
        }
    }

    /** A stream that yields one chunk and then fails. */
    static ChatStream failingAfterFirstChunk(GatewayException error) {
        return new ChatStream() {
            private int read;

            @Override
            public Optional<ChatChunk> next() {
                if (read++ == 0) return Optional.of(new ChatChunk("c", 1, "m", List.of(), Optional.empty(), Optional.empty()));
                throw error;
            }

            @Override
            public void close() {}
        };
    }
}
