package dev.switchboard.core.stages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.config.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.pipeline.Credentials;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.routing.ModelRegistry;
import dev.switchboard.core.routing.PriceCatalogue;
import dev.switchboard.core.routing.TaskSplitter;
import dev.switchboard.core.wire.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The routed model's answers, merged or passed through, against a scripted model. */
class PartExecutorTest {
    private static final Deployment MODEL = new Deployment("m-1", "m", "openai", "m-upstream",
            Optional.of(URI.create("http://upstream.test")), Optional.empty(), Map.of(), JsonNodeFactory.instance.objectNode(),
            OptionalInt.empty(), OptionalInt.empty(), 1, Timeouts.DEFAULT,
            new ModelInfo(OptionalInt.empty(), Optional.empty(), Set.of(), 128_000, 4096, Prices.FREE, "chat", Optional.empty()));

    private static DecomposeStage stage() {
        RoutingSettings settings = RoutingSettings.defaults();
        return new DecomposeStage(settings, new TaskSplitter(settings),
                exchange -> Optional.of(new RoutePlan(List.of(MODEL), "test", "the only model")),
                new SpendCalculator(List.of(MODEL), new ModelRegistry(List.of(MODEL), PriceCatalogue.builtIn())), Ticker.SYSTEM);
    }

    private static Exchange exchange(String prompt) {
        ChatRequest request = ChatRequest.builder("switchboard/auto").message(Message.user(prompt)).build().withStream(true);
        return Exchange.of("req-1", request, Credentials.IN_PROCESS, 0, Long.MAX_VALUE);
    }

    private static List<ChatChunk> drain(ChatStream stream) {
        List<ChatChunk> out = new ArrayList<>();
        try (stream) {
            Optional<ChatChunk> c;
            while ((c = stream.next()).isPresent()) out.add(c.get());
        }
        return out;
    }

    /** The usage-only chunk moves to the end of a one-task stream with what else it carried (OpenAI's service_tier). */
    @Test
    void aOneTaskStreamEndsWithTheUpstreamsUsageChunkWholeFieldsAndAll() {
        ChatChunk usage = new ChatChunk("up-1", 1, "m-upstream", List.of(), Optional.of(Usage.of(10, 5)), Optional.of("fp_1"),
                Optional.of(Json.object().put("service_tier", "default")));
        Chain model = exchange -> new Reply.Streaming(ChatStream.of(List.of(
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.role(0, Role.ASSISTANT)),
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.content(0, "Names to addresses.")),
                ChatChunk.of("up-1", 1, "m-upstream", ChunkChoice.finish(0, FinishReason.STOP)),
                usage)));

        List<ChatChunk> chunks = drain(((Reply.Streaming) stage().apply(exchange("What is DNS?"), model)).stream());

        ChatChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).contains(Usage.of(10, 5));
        assertThat(last.systemFingerprint()).contains("fp_1");
        assertThat(last.extras()).contains(Json.object().put("service_tier", "default"));
        assertThat(last.model()).isEqualTo("switchboard/auto");
    }
}
