package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.pipeline.ChatStream;
import dev.switchboard.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the OpenAI endpoint writes for a stream of canonical chunks. */
class OpenAiStreamChunksTest {
    private static final Optional<String> NONE = Optional.empty();

    private static ChunkChoice choice(Optional<Role> role, Optional<String> content, Optional<FinishReason> finish,
            Optional<String> signature, Optional<String> redacted, Optional<ObjectNode> choiceExtras, Optional<JsonNode> citation) {
        return new ChunkChoice(0, role, content, NONE, List.of(), finish, Optional.empty(), NONE, NONE, signature, redacted,
                Optional.empty(), choiceExtras, citation.isPresent(), citation);
    }

    private static ChatChunk chunk(ChunkChoice choice) {
        return new ChatChunk("msg_1", 1, "claude", List.of(choice), Optional.empty(), NONE, Optional.empty());
    }

    private static List<JsonNode> written(List<ChatChunk> chunks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SseWriter sse = new SseWriter(out)) {
            OpenAiEndpoints.writeChunks(sse, ChatStream.of(chunks), OpenAiEndpoints.chatChunks(true));
        }
        List<JsonNode> events = new ArrayList<>();
        for (String event : out.toString(StandardCharsets.UTF_8).split("\n\n")) {
            assertThat(event).startsWith("data: ");
            if (!event.equals("data: [DONE]")) events.add(Json.parseBody(event.substring(6).getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    /** A signature, redacted thinking or a citation alone is no chunk for an OpenAI client: it would be an empty delta. */
    @Test
    void chunksCarryingOnlyWhatAnOpenAiClientHasNoPlaceForAreLeftOut() throws IOException {
        Optional<JsonNode> citation = Optional.of(Json.object().put("type", "web_search_result_location").put("url", "https://e.org"));
        List<JsonNode> events = written(List.of(
                chunk(choice(Optional.of(Role.ASSISTANT), Optional.of(""), Optional.empty(), NONE, NONE, Optional.empty(), Optional.empty())),
                chunk(choice(Optional.empty(), NONE, Optional.empty(), Optional.of("EqQB"), NONE, Optional.empty(), Optional.empty())),
                chunk(choice(Optional.empty(), NONE, Optional.empty(), NONE, Optional.of("EmwK"), Optional.empty(), Optional.empty())),
                chunk(choice(Optional.empty(), Optional.of("Paris"), Optional.empty(), NONE, NONE, Optional.empty(), Optional.empty())),
                chunk(choice(Optional.empty(), NONE, Optional.empty(), NONE, NONE, Optional.empty(), citation)),
                chunk(choice(Optional.empty(), NONE, Optional.empty(), Optional.of("EqQB"), NONE,
                        Optional.of(Json.object().put("content_filter_results", "none")), Optional.empty())),
                chunk(choice(Optional.empty(), NONE, Optional.of(FinishReason.STOP), Optional.of("EqQB"), NONE, Optional.empty(),
                        Optional.empty())),
                new ChatChunk("msg_1", 1, "claude", List.of(), Optional.of(Usage.of(3, 2)), NONE, Optional.empty())));

        assertThat(events).extracting(e -> e.at("/choices/0/delta").toString() + " " + e.at("/choices/0/finish_reason")
                        + " " + e.at("/choices/0/content_filter_results") + " " + e.at("/usage/total_tokens"))
                .containsExactly(
                        "{\"role\":\"assistant\",\"content\":\"\"} null  ",
                        "{\"content\":\"Paris\"} null  ",
                        "{} null \"none\" ",
                        "{} \"stop\"  ",
                        "   5");
    }
}
