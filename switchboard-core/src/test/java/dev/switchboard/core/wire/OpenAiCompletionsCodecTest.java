package dev.switchboard.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiCompletionsCodecTest {
    private static JsonNode json(String singleQuoted) {
        try {
            return Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OpenAiCompletionsCodec.Request parse(String singleQuoted) {
        return OpenAiCompletionsCodec.parseRequest(json(singleQuoted));
    }

    @Test
    void aPromptRunsAsOneUserMessageWithTheSharedFieldsAndOpenAisDefaultLength() {
        OpenAiCompletionsCodec.Request r = parse("{'model':'m','prompt':['Once upon'],'temperature':0.2,'stop':['\\n'],"
                + "'n':2,'best_of':2,'seed':4,'echo':true,'suffix':'','top_k':40}");

        assertThat(r.prompt()).isEqualTo("Once upon");
        assertThat(r.echo()).isTrue();
        assertThat(r.logprobs()).isFalse();
        assertThat(r.chat().messages()).containsExactly(Message.user("Once upon"));
        assertThat(r.chat().maxTokens()).hasValue(OpenAiCompletionsCodec.DEFAULT_MAX_TOKENS);
        assertThat(r.chat().temperature()).hasValue(0.2);
        assertThat(r.chat().stop()).containsExactly("\n");
        assertThat(r.chat().n()).hasValue(2);
        assertThat(r.chat().seed()).hasValue(4L);
        // What an OpenAI-compatible upstream is sent: the client's own extra field, none of the legacy ones.
        ObjectNode forwarded = r.chat().openAiBody().orElseThrow();
        assertThat(forwarded.get("top_k").asInt()).isEqualTo(40);
        assertThat(forwarded.has("prompt") || forwarded.has("echo") || forwarded.has("best_of") || forwarded.has("suffix")).isFalse();
    }

    @Test
    void logprobsAsksChatForThatManyAlternatives() {
        OpenAiCompletionsCodec.Request r = parse("{'model':'m','prompt':'x','logprobs':3,'max_tokens':50}");

        assertThat(r.logprobs()).isTrue();
        assertThat(r.chat().logprobs()).isTrue();
        assertThat(r.chat().topLogprobs()).hasValue(3);
        assertThat(r.chat().maxTokens()).hasValue(50);
    }

    @Test
    void whatAChatModelCannotDoIsABadRequestNamingTheField() {
        String[][] cases = {
            {"{'model':'m'}", "prompt", "Missing required parameter"},
            {"{'model':'m','prompt':[1,2,3]}", "prompt", "Token-id prompts"},
            {"{'model':'m','prompt':[[1,2],[3]]}", "prompt", "Token-id prompts"},
            {"{'model':'m','prompt':['a','b']}", "prompt", "each of the 2 prompts"},
            {"{'model':'m','prompt':[]}", "prompt", "Invalid type for 'prompt'"},
            {"{'model':'m','prompt':7}", "prompt", "Invalid type for 'prompt'"},
            {"{'model':'m','prompt':'x','suffix':'y'}", "suffix", "insertion"},
            {"{'model':'m','prompt':'x','best_of':3}", "best_of", "does not rank"},
            {"{'model':'m','prompt':'x','n':3,'best_of':2}", "best_of", "greater than or equal to 'n'"},
            {"{'model':'m','prompt':'x','echo':true,'logprobs':1}", "logprobs", "prompt's own logprobs"},
            {"{'model':'m','prompt':'x','logprobs':6}", "logprobs", "6"},
            {"{'model':'m','prompt':'x','max_tokens':0}", "max_tokens", ">= 1"},
            {"{'prompt':'x'}", "model", "model"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> {
                assertThat(e.param()).hasValue(c[1]);
                assertThat(e.getMessage()).contains(c[2]);
            });
        }
    }

    @Test
    void aWholeAnswerIsATextCompletionWithTheEchoedPrompt() {
        OpenAiCompletionsCodec.Request r = parse("{'model':'m','prompt':'Hi','echo':true}");
        ChatResponse answer = new ChatResponse("chatcmpl-1", 1_700_000_000L, "m", List.of(
                new Choice(0, Message.assistant(" there"), Optional.of(FinishReason.LENGTH), Optional.empty())),
                Optional.empty(), Optional.of("fp_1"), Optional.empty());

        ObjectNode o = OpenAiCompletionsCodec.writeResponse("cmpl-1", r, answer, Usage.of(3, 2), Optional.empty());

        assertThat(o.toString()).isEqualTo(json("{'id':'cmpl-1','object':'text_completion','created':1700000000,'model':'m',"
                + "'choices':[{'text':'Hi there','index':0,'logprobs':null,'finish_reason':'length'}],"
                + "'usage':{'prompt_tokens':3,'completion_tokens':2,'total_tokens':5},'system_fingerprint':'fp_1'}").toString());
    }

    @Test
    void chatLogprobsBecomeParallelArraysWithOffsetsIntoTheText() {
        JsonNode chat = json("{'content':[{'token':'Hel','logprob':-0.5,'top_logprobs':[{'token':'Hel','logprob':-0.5},"
                + "{'token':'He','logprob':-1.5}]},{'token':'lo','logprob':-0.1,'top_logprobs':[]}]}");

        int[] offset = {0};
        ObjectNode legacy = OpenAiCompletionsCodec.logprobs(chat, offset);

        assertThat(legacy).isEqualTo(json("{'tokens':['Hel','lo'],'token_logprobs':[-0.5,-0.1],"
                + "'top_logprobs':[{'Hel':-0.5,'He':-1.5},{}],'text_offset':[0,3]}"));
        assertThat(offset[0]).isEqualTo(5);
    }

    @Test
    void aStreamBecomesTextCompletionChunks() {
        OpenAiCompletionsCodec.Request r = parse("{'model':'m','prompt':'Hi','echo':true,'n':2,'best_of':2}");
        var encoder = new OpenAiCompletionsCodec.StreamEncoder("cmpl-9", r);
        List<ChatChunk> chunks = List.of(
                ChatChunk.of("c", 5, "m", ChunkChoice.role(0, Role.ASSISTANT)),
                ChatChunk.of("c", 5, "m", ChunkChoice.reasoning(0, "thinking")),
                ChatChunk.of("c", 5, "m", ChunkChoice.content(0, " there")),
                ChatChunk.of("c", 5, "m", ChunkChoice.content(0, "!")),
                ChatChunk.of("c", 5, "m", ChunkChoice.finish(0, FinishReason.STOP)),
                ChatChunk.of("c", 5, "m", ChunkChoice.finish(1, FinishReason.STOP)),
                ChatChunk.usage("c", 5, "m", Usage.of(2, 3)));

        List<String> withUsage = chunks.stream().flatMap(c -> encoder.encode(c, true, Optional.empty()).stream()).map(Object::toString).toList();

        assertThat(withUsage).containsExactly(
                "{\"id\":\"cmpl-9\",\"object\":\"text_completion\",\"created\":5,\"model\":\"m\",\"choices\":[{\"text\":\"Hi there\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]}",
                "{\"id\":\"cmpl-9\",\"object\":\"text_completion\",\"created\":5,\"model\":\"m\",\"choices\":[{\"text\":\"!\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]}",
                "{\"id\":\"cmpl-9\",\"object\":\"text_completion\",\"created\":5,\"model\":\"m\",\"choices\":[{\"text\":\"\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
                // A choice with no text still echoes its prompt.
                "{\"id\":\"cmpl-9\",\"object\":\"text_completion\",\"created\":5,\"model\":\"m\",\"choices\":[{\"text\":\"Hi\",\"index\":1,\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"cmpl-9\",\"object\":\"text_completion\",\"created\":5,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}}");
        assertThat(new OpenAiCompletionsCodec.StreamEncoder("cmpl-9", r).encode(chunks.getLast(), false, Optional.empty())).isEmpty();
    }

    /** A routed answer's report reaches a completions client as it reaches a chat one, in a {@code switchboard} field. */
    @Test
    void theGatewaysExtensionRidesOnTheFirstEventOfItsChunk() {
        OpenAiCompletionsCodec.Request r = parse("{'model':'switchboard/auto','prompt':'Hi'}");
        var encoder = new OpenAiCompletionsCodec.StreamEncoder("cmpl-9", r);
        Optional<ObjectNode> report = Optional.of(Json.object().put("router", "utility"));

        List<ObjectNode> onRole = encoder.encode(ChatChunk.of("c", 5, "m", ChunkChoice.role(0, Role.ASSISTANT)), false, report);
        List<ObjectNode> onText = encoder.encode(ChatChunk.of("c", 5, "m", ChunkChoice.content(0, "Hello")), false, report);

        assertThat(onRole).singleElement().satisfies(e -> {
            assertThat(e.get("choices")).isEmpty();
            assertThat(e.get("switchboard")).isEqualTo(report.get());
        });
        assertThat(onText).singleElement().satisfies(e -> {
            assertThat(e.at("/choices/0/text").asText()).isEqualTo("Hello");
            assertThat(e.get("switchboard")).isEqualTo(report.get());
        });
        ChatResponse answer = new ChatResponse("c", 5, "m", List.of(new Choice(0, Message.assistant("Hello"),
                Optional.of(FinishReason.STOP), Optional.empty())), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(OpenAiCompletionsCodec.writeResponse("cmpl-9", r, answer, Usage.of(1, 1), report).get("switchboard"))
                .isEqualTo(report.get());
    }
}
