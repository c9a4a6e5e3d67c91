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

    private static JsonNode json(String singleQuoted) {
        try {
            return Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

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
        JsonNode response = json("{'id':'resp_1','object':'response','output':[{'type':'message'}]}");
        JsonNode items = json("[{'id':'msg_1','type':'message','role':'user'}]");
        StoredResponses.Entry entry = new StoredResponses.Entry("key-1", response, items, everyKindOfMessage());

        StoredResponses.Entry back = StoredResponses.decode("resp_1", StoredResponses.encode(entry)).orElseThrow();

        assertThat(back).isEqualTo(entry);
    }

    @Test
    void anEntryWithAStringPastJacksonsDefaultCapReadsBack() {
        StoredResponses.Entry entry = new StoredResponses.Entry("key-1", json("{}"), json("[]"),
                List.of(Message.user("x".repeat(21_000_000))));

        assertThat(StoredResponses.decode("resp_1", StoredResponses.encode(entry))).hasValue(entry);
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
        stored.put("resp_1", new StoredResponses.Entry("key-1", json("{}"), json("[]"), List.of(Message.user("hi"))));

        assertThat(stored.get("resp_1", "key-2")).isEmpty();
        assertThat(stored.remove("resp_1", "key-2")).isFalse();
        assertThat(stored.get("resp_1", "key-1")).isPresent();
        assertThat(stored.remove("resp_1", "key-1")).isTrue();
        assertThat(stored.get("resp_1", "key-1")).isEmpty();
    }

    @Test
    void inMemoryAnEntryTakesItsEncodedBytesAndOneLargerThanTheRoomIsNotKept() {
        StoredResponses.Entry small = new StoredResponses.Entry("key-1", json("{}"), json("[]"), List.of(Message.user("hi")));
        StoredResponses.Entry large = new StoredResponses.Entry("key-1", json("{}"), json("[]"),
                List.of(Message.user("x".repeat(4096))));
        StoredResponses stored = new StoredResponses(StoredResponses.encode(small).length * 2L + 100, Duration.ofMinutes(1),
                Optional.empty());
        stored.put("resp_small", small);
        stored.put("resp_large", large);

        assertThat(stored.get("resp_small", "key-1")).hasValue(small);
        assertThat(stored.get("resp_large", "key-1")).isEmpty();
    }

    @Test
    void withNoRoomNothingIsKept() {
        StoredResponses stored = new StoredResponses(0, Duration.ofMinutes(1), Optional.empty());
        stored.put("resp_1", new StoredResponses.Entry("key-1", json("{}"), json("[]"), List.of()));

        assertThat(stored.get("resp_1", "key-1")).isEmpty();
    }
}
