package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.wire.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a stored response is kept: whole in memory, and as Redis keeps it, with nothing of its conversation lost. */
class StoredResponsesTest {
    private static final JsonNode EPHEMERAL = Json.object().put("type", "ephemeral");

    /** A conversation using every field and part a message can have. */
    private static List<Message> everyKindOfMessage() {
        Message user = new Message(Role.USER, List.of(new ContentPart.Text("look at this", Optional.of(EPHEMERAL)),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", Optional.of("low"), Optional.of(EPHEMERAL)),
                new ContentPart.Other("input_audio", Json.object().put("type", "input_audio")
                        .set("input_audio", Json.object().put("data", "AAAA").put("format", "wav")))),
                false, Optional.of("ada"), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        Message answer = new Message(Role.ASSISTANT, List.of(new ContentPart.Thinking("Let me think.", "sig-123=="),
                new ContentPart.RedactedThinking("opaque"),
                new ContentPart.Text("It is a cat.", Optional.empty(), List.of(Json.object().put("type", "char_location")
                        .put("cited_text", "cat").put("start_char_index", 0))),
                new ContentPart.ToolUse(0, Optional.of(EPHEMERAL))),
                false, Optional.empty(), List.of(new ToolCall("call_1", "lookup", "{\"q\":\"cat\"}")), Optional.empty(),
                Optional.of("Let me think."), Optional.of("partly refused"), false, Optional.empty(),
                Optional.of(Json.object().set("annotations", Json.NODES.arrayNode())));
        Message toolResult = new Message(Role.TOOL, List.of(new ContentPart.Text("not found")), true, Optional.empty(),
                List.of(), Optional.of("call_1"), Optional.empty(), Optional.empty(), true, Optional.of(EPHEMERAL));
        return List.of(Message.system("Be brief."), Message.of(Role.DEVELOPER, "Use metric units."), user, answer,
                toolResult);
    }

    @Test
    void anEntryKeptForRedisReadsBackEqual() {
        byte[] response = "{\"id\":\"resp_1\",\"object\":\"response\",\"output\":[{\"type\":\"message\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] items = "[{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"user\"}]".getBytes(StandardCharsets.UTF_8);
        StoredResponses.Entry entry = new StoredResponses.Entry("key-1", response, items, everyKindOfMessage());

        StoredResponses.Entry back = StoredResponses.decode("resp_1", StoredResponses.encode(entry)).orElseThrow();

        assertThat(back.owner()).isEqualTo("key-1");
        assertThat(Json.parseBody(back.response())).isEqualTo(Json.parseBody(response));
        assertThat(Json.tree(back.inputItems())).isEqualTo(Json.tree(items));
        assertThat(back.conversation()).isEqualTo(entry.conversation());
    }

    @Test
    void aValueThisBuildCannotReadIsAsIfItHadExpired() {
        assertThat(StoredResponses.decode("resp_1", "{\"owner\":1,\"conversation\":[{\"role\":\"WIZARD\"}]}"
                .getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(StoredResponses.decode("resp_1", new byte[] {1, 2, 3})).isEmpty();
    }

    @Test
    void inMemoryOnlyItsOwnerSeesOrRemovesAnEntry() {
        StoredResponses stored = new StoredResponses(1 << 20, Duration.ofMinutes(1), Optional.empty());
        stored.put("resp_1", new StoredResponses.Entry("key-1", "{}".getBytes(StandardCharsets.UTF_8), "[]".getBytes(StandardCharsets.UTF_8),
                List.of(Message.user("hi"))));

        assertThat(stored.get("resp_1", "key-2")).isEmpty();
        assertThat(stored.remove("resp_1", "key-2")).isFalse();
        assertThat(stored.get("resp_1", "key-1")).isPresent();
        assertThat(stored.remove("resp_1", "key-1")).isTrue();
        assertThat(stored.get("resp_1", "key-1")).isEmpty();
    }

    @Test
    void withNoRoomNothingIsKept() {
        StoredResponses stored = new StoredResponses(0, Duration.ofMinutes(1), Optional.empty());
        stored.put("resp_1", new StoredResponses.Entry("key-1", "{}".getBytes(StandardCharsets.UTF_8), "[]".getBytes(StandardCharsets.UTF_8), List.of()));

        assertThat(stored.get("resp_1", "key-1")).isEmpty();
    }
}
