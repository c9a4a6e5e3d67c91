package dev.switchboard.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiCodecTest {
    private static JsonNode json(String s) {
        return Json.parseBody(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryFieldOfAFullRequest() {
        ChatRequest r = OpenAiCodec.parseChatRequest(json("""
                {"model":"gpt-4o","messages":[
                  {"role":"developer","content":"Be brief."},
                  {"role":"user","content":[{"type":"text","text":"What is this?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR","detail":"low"}},
                     {"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"42"}],
                 "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"},"strict":true}}],
                 "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false,
                 "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"},"strict":true}},
                 "max_tokens":50,"max_completion_tokens":60,"temperature":0.2,"top_p":0.9,"stop":"END","n":2,"seed":7,
                 "logprobs":true,"top_logprobs":3,"user":"u1","metadata":{"k":"v"},
                 "stream":true,"stream_options":{"include_usage":true},"some_future_field":{"x":1}}
                """));
        assertThat(r.model()).isEqualTo("gpt-4o");
        assertThat(r.messages()).extracting(m -> m.role()).containsExactly(Role.DEVELOPER, Role.USER, Role.ASSISTANT, Role.TOOL);
        assertThat(r.messages().get(1).content()).hasSize(3).element(1).isInstanceOf(ContentPart.Image.class);
        assertThat(r.messages().get(1).content().get(2)).isInstanceOf(ContentPart.Other.class);
        assertThat(r.messages().get(2).toolCalls()).singleElement().extracting(c -> c.name()).isEqualTo("f");
        assertThat(r.messages().get(3).toolCallId()).hasValue("call_1");
        assertThat(r.tools()).singleElement().satisfies(t -> assertThat(t.strict()).hasValue(true));
        assertThat(r.toolChoice()).hasValue(new ToolChoice.Named("f"));
        assertThat(r.parallelToolCalls()).hasValue(false);
        assertThat(r.responseFormat()).containsInstanceOf(ResponseFormat.JsonSchema.class);
        assertThat(r.maxTokens()).hasValue(60);
        assertThat(r.stop()).containsExactly("END");
        assertThat(r.n()).hasValue(2);
        assertThat(r.seed()).hasValue(7);
        assertThat(r.logprobs()).isTrue();
        assertThat(r.metadata()).containsEntry("k", "v");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.openAiBody().orElseThrow().get("some_future_field").get("x").asInt()).isEqualTo(1);
    }

    @Test
    void rejectsBadInputWithAnErrorNamingTheField() {
        record Case(String body, String param, String message) {}
        List<Case> cases = List.of(
                new Case("{\"messages\":[]}", "model", "Missing required parameter: 'model'."),
                new Case("{\"model\":1,\"messages\":[]}", "model", "Invalid type for 'model'"),
                new Case("{\"model\":\"m\"}", "messages", "Missing required parameter: 'messages'."),
                new Case("{\"model\":\"m\",\"messages\":[]}", "messages", "at least one message"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", "messages[0].role", "'wizard'"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content", "Invalid type"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}", "messages[0].content", "Missing required"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages[0].tool_call_id", "Missing"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}", "temperature", "expected a number"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}", "temperature", "between"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":\"10\"}", "max_tokens", "expected an integer"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}", "stream", "expected a boolean"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":129}", "n", "Expected a value <= 128"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":0}", "n", "Expected a value >= 1"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"sometimes\"}", "tool_choice", "'sometimes'"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"required\"}", "tool_choice", "no tools are given"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}}",
                        "tool_choice", "tool 'g' is not among the tools given"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"xml\"}}", "response_format.type", "'xml'"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":true,\"top_logprobs\":21}", "top_logprobs", "Expected a value <= 20"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":true,\"top_logprobs\":-1}", "top_logprobs", "Expected a value >= 0"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":true,\"top_logprobs\":2.5}", "top_logprobs", "expected an integer"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_logprobs\":3}", "top_logprobs", "'logprobs' must be set to true"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":false,\"top_logprobs\":0}", "top_logprobs", "'logprobs' must be set to true"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":1e20}", "max_tokens", "Invalid 'max_tokens': integer above maximum value. Expected a value <= 2147483647"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":3000000000}", "max_tokens", "Invalid 'max_tokens': integer above maximum value. Expected a value <= 2147483647, but got 3000000000 instead."),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":-3000000000}", "max_tokens", "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2.5}", "max_tokens", "expected an integer"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_completion_tokens\":3000000000}", "max_completion_tokens", "integer above maximum value. Expected a value <= 2147483647"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":3000000000}", "n", "integer above maximum value. Expected a value <= 128"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":1e20}", "n", "integer above maximum value. Expected a value <= 128"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":true,\"top_logprobs\":3000000000}", "top_logprobs", "integer above maximum value. Expected a value <= 20"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"seed\":1e20}", "seed", "Invalid 'seed': integer above maximum value. Expected a value <= 9223372036854775807"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"seed\":-1e20}", "seed", "Invalid 'seed': integer below minimum value. Expected a value >= -9223372036854775808"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"seed\":99999999999999999999999}", "seed", "Expected a value <= 9223372036854775807"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"seed\":-99999999999999999999999}", "seed", "Expected a value >= -9223372036854775808"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_schema\","
                        + "\"json_schema\":{\"name\":\"s\",\"schema\":5}}}", "response_format.json_schema.schema", "expected an object, but got a number"),
                new Case("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{\"q\":1}}}]}]}", "messages[1].tool_calls[0].function.arguments",
                        "expected a string, but got an object"));
        for (Case c : cases) {
            assertThatThrownBy(() -> OpenAiCodec.parseChatRequest(json(c.body())))
                    .as(c.body())
                    .isInstanceOfSatisfying(GatewayException.BadRequest.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.param()).hasValue(c.param());
                    })
                    .hasMessageContaining(c.message());
        }
    }

    /** A seed is a 64-bit integer in OpenAI's API: the largest and the smallest are accepted and sent on unchanged. */
    @Test
    void anySixtyFourBitSeedIsAcceptedAndForwardedUnchanged() {
        for (long seed : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 3_000_000_000L}) {
            ChatRequest r = OpenAiCodec.parseChatRequest(json("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                    + "\"seed\":" + seed + "}"));
            assertThat(r.seed()).hasValue(seed);
            assertThat(OpenAiCodec.writeChatRequest(r).get("seed").asText()).isEqualTo(Long.toString(seed));
            assertThat(r.openAiBody()).hasValueSatisfying(body -> assertThat(body.get("seed").asText()).isEqualTo(Long.toString(seed)));
        }
    }

    @Test
    void malformedJsonIsABadRequestNotACrash() {
        assertThatThrownBy(() -> Json.parseBody("{\"model\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GatewayException.BadRequest.class).hasMessageContaining("could not parse the JSON body");
        assertThatThrownBy(() -> Json.parseBody("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GatewayException.BadRequest.class).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> Json.parseBody(new byte[0])).isInstanceOf(GatewayException.BadRequest.class);
    }

    /** Only the configured byte limits bound a body: Jackson's own 20-million-character cap on a string is lifted. */
    @Test
    void aStringLongerThanJacksonsDefaultCapIsRead() {
        String image = "data:image/png;base64," + "A".repeat(21_000_000);
        JsonNode body = Json.parseBody(("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                + "\"image_url\",\"image_url\":{\"url\":\"" + image + "\"}}]}]}").getBytes(StandardCharsets.UTF_8));

        assertThat(OpenAiCodec.parseChatRequest(body).messages().getFirst().content().getFirst())
                .isEqualTo(new ContentPart.Image(image, Optional.empty(), Optional.empty()));
    }

    @Test
    void canonicalRequestRoundTripsThroughTheWireFormat() {
        ChatRequest original = OpenAiCodec.parseChatRequest(json("""
                {"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"required",
                 "response_format":{"type":"json_object"},"max_completion_tokens":9,"stop":["a","b"],"seed":3,"stream":true}
                """));
        ChatRequest again = OpenAiCodec.parseChatRequest(OpenAiCodec.writeChatRequest(original));
        assertThat(again.messages()).isEqualTo(original.messages());
        assertThat(again.tools()).isEqualTo(original.tools());
        assertThat(again.toolChoice()).hasValue(new ToolChoice.Required());
        assertThat(again.responseFormat()).containsInstanceOf(ResponseFormat.JsonObject.class);
        assertThat(again.maxTokens()).hasValue(9);
        assertThat(again.stop()).containsExactly("a", "b");
        assertThat(again.includeUsage()).isTrue();
    }

    @Test
    void anAnthropicClientsConversationReachesAnOpenAiUpstreamWithoutWhatOnlyAnthropicUnderstands() {
        ChatRequest fromAnthropic = AnthropicMessagesCodec.parseRequest(json("""
                {"model":"m","max_tokens":4096,"top_k":5,"thinking":{"type":"enabled","budget_tokens":1024},
                 "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Weather?","cache_control":{"type":"ephemeral"}}]},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"Look it up.","signature":"EqQB"},
                      {"type":"redacted_thinking","data":"EmwK"},
                      {"type":"tool_use","id":"toolu_1","name":"weather","input":{}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"down","is_error":true}]}],
                 "tools":[{"name":"weather","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}]}
                """));
        JsonNode written = OpenAiCodec.writeChatRequest(fromAnthropic);
        assertThat(written.path("messages").get(2)).isEqualTo(json("""
                {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function",
                  "function":{"name":"weather","arguments":"{}"}}]}
                """));
        assertThat(written.path("messages").get(3)).isEqualTo(json(
                "{\"role\":\"tool\",\"content\":\"down\",\"tool_call_id\":\"toolu_1\"}"));
        assertThat(written.toString()).doesNotContain("top_k", "thinking", "cache_control", "is_error", "EqQB", "EmwK");
    }

    @Test
    void anEmptyUserMessageIsStillAcceptedFromAnOpenAiClient() {
        ChatRequest r = OpenAiCodec.parseChatRequest(json("""
                {"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"A"},
                  {"role":"user","content":""}]}
                """));
        assertThat(r.messages().getLast().text()).isEmpty();
    }

    @Test
    void responsesAndChunksRoundTripWithUsageDetails() {
        JsonNode wire = json("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_a","type":"function","function":{"name":"get","arguments":"{\\"q\\":1}"}}]},
                   "logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30,
                   "prompt_tokens_details":{"cached_tokens":5},"completion_tokens_details":{"reasoning_tokens":4}},
                 "system_fingerprint":"fp_1"}
                """);
        ChatResponse r = OpenAiCodec.parseChatResponse(wire, "openai");
        assertThat(r.choices().getFirst().finishReason()).hasValue(FinishReason.TOOL_CALLS);
        assertThat(r.usage()).hasValue(new Usage(20, 10, 5, 0, 4));
        JsonNode back = Json.parseUpstream(OpenAiCodec.writeChatResponse(r, null), "test");
        assertThat(back.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{\"q\":1}");
        assertThat(back.at("/usage/total_tokens").asInt()).isEqualTo(30);
        assertThat(back.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");

        ChatChunk chunk = OpenAiCodec.parseChunk(json("""
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,
                 "delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"g","arguments":""}}]},
                 "finish_reason":null}]}
                """));
        JsonNode chunkBack = Json.parseUpstream(OpenAiCodec.writeChunk(chunk), "test");
        assertThat(chunkBack.at("/choices/0/delta/tool_calls/0/index").asInt()).isEqualTo(1);
        assertThat(chunkBack.at("/choices/0/delta/tool_calls/0/id").asText()).isEqualTo("call_b");
        assertThat(chunkBack.at("/choices/0/finish_reason").isNull()).isTrue();
    }

    @Test
    void fieldsTheGatewayDoesNotModelTravelBackInAnswersAndChunks() throws java.io.IOException {
        JsonNode wire = json("""
                {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"gpt-4o-audio-preview",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"See [1].","refusal":null,
                   "audio":{"id":"audio_1","data":"UklGR","expires_at":1700003600,"transcript":"See one."},
                   "annotations":[{"type":"url_citation","url_citation":{"start_index":4,"end_index":7,"title":"T","url":"https://e.org"}}]},
                   "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30,
                   "prompt_tokens_details":{"cached_tokens":5,"cache_write_tokens":3,"audio_tokens":2},
                   "completion_tokens_details":{"reasoning_tokens":4,"audio_tokens":6,"accepted_prediction_tokens":1,"rejected_prediction_tokens":0}},
                 "service_tier":"priority","system_fingerprint":"fp_1","x_provider":{"name":"up"}}
                """);
        ChatResponse r = OpenAiCodec.parseChatResponse(wire, "openai");
        assertThat(r.usage().orElseThrow().cacheWriteTokens()).isEqualTo(3);
        // As written to the client, compared as objects: the field order may differ.
        assertThat((Object) Json.parseUpstream(OpenAiCodec.writeChatResponse(r, null), "test")).isEqualTo(wire);

        String chunk = """
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","service_tier":"default","system_fingerprint":"fp",
                 "choices":[{"index":0,"delta":{"audio":{"id":"audio_1","transcript":"Hi"}},"logprobs":null,"finish_reason":null}],
                 "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":1},
                   "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":2}},"obfuscation":"x1"}
                """;
        ChatChunk read = readChunk(chunk);
        assertThat((Object) Json.parseUpstream(OpenAiCodec.writeChunk(read), "test")).isEqualTo(json(chunk));
        assertThat(OpenAiCodec.parseChunk(json(chunk))).isEqualTo(read);

        ChatChunk plain = readChunk("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
        assertThat(plain.extras()).as("no extras, nothing made").isEmpty();
        assertThat(plain.choices().getFirst().extras()).isEmpty();
    }

    /** Azure OpenAI rates each choice (and the prompt) for harmful content; a client filtering on that still can. */
    @Test
    void azuresContentFilterResultsTravelBackOnEveryChoiceAndChunkChoice() throws java.io.IOException {
        String filters = "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
                + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
                + "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},\"violence\":{\"filtered\":false,\"severity\":\"low\"}}";
        JsonNode wire = json("""
                {"id":"chatcmpl-3","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-11-20",
                 "prompt_filter_results":[{"prompt_index":0,"content_filter_results":%s}],
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","refusal":null},"logprobs":null,
                   "finish_reason":"stop","content_filter_results":%s},
                   {"index":1,"message":{"role":"assistant","content":"Hello.","refusal":null},"logprobs":null,
                   "finish_reason":"stop","content_filter_results":%s}],
                 "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":0},
                   "completion_tokens_details":{"reasoning_tokens":0}},"system_fingerprint":"fp_1"}
                """.formatted(filters, filters, filters));
        ChatResponse r = OpenAiCodec.parseChatResponse(wire, "azure");
        assertThat(r.choices().get(1).extras().orElseThrow().at("/content_filter_results/violence/severity").asText())
                .isEqualTo("low");
        assertThat((Object) json(new String(OpenAiCodec.writeChatResponse(r, null), StandardCharsets.UTF_8))).isEqualTo(wire);

        String chunk = """
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","system_fingerprint":"fp",
                 "choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null,
                   "content_filter_results":%s,"content_filter_offsets":{"check_offset":0,"start_offset":0,"end_offset":2}}]}
                """.formatted(filters);
        ChatChunk read = readChunk(chunk);
        assertThat(read.choices().getFirst().choiceExtras()).isPresent();
        assertThat(read.choices().getFirst().extras()).as("the delta has none of its own").isEmpty();
        assertThat((Object) Json.parseUpstream(OpenAiCodec.writeChunk(read), "test")).isEqualTo(json(chunk));
        assertThat(OpenAiCodec.parseChunk(json(chunk))).isEqualTo(read);
        ChatChunk plain = readChunk("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}");
        assertThat(plain.choices().getFirst().choiceExtras()).as("none, nothing made").isEmpty();
    }

    @Test
    void usageWithoutExtrasWritesOpenAisShapeAndCacheWritesOnlyWhenThereAreSome() {
        assertThat((Object) usage(new Usage(9, 1, 2, 0, 0))).isEqualTo(json("""
                {"prompt_tokens":9,"completion_tokens":1,"total_tokens":10,"prompt_tokens_details":{"cached_tokens":2},
                 "completion_tokens_details":{"reasoning_tokens":0}}"""));
        assertThat(usage(new Usage(9, 1, 2, 4, 0)).at("/prompt_tokens_details/cache_write_tokens").asInt()).isEqualTo(4);
        assertThat(OpenAiCodec.parseUsage(json("{\"prompt_tokens\":1,\"prompt_tokens_details\":null}")).extras()).isEmpty();
    }

    /**
     * An answer is written in OpenAI's field order: the message's own fields, then its reasoning and the upstream's
     * extras; the usage with its unmodelled counts in place; the answer's extras; the gateway's extension last.
     */
    @Test
    void anAnswerIsWrittenFieldByFieldWithItsExtrasInPlace() {
        String wire = """
                {"id":"chatcmpl-1","object":"chat.completion","created":7,"model":"gpt-4o","choices":[{"index":0,\
                "message":{"role":"assistant","content":"Hi","tool_calls":[{"id":"call_1","type":"function",\
                "function":{"name":"f","arguments":"{}"}}],"refusal":null,"reasoning_content":"why","annotations":[]},\
                "logprobs":{"content":[]},"finish_reason":"tool_calls"},{"index":1,"message":{"role":"assistant",\
                "content":null,"refusal":"no"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,\
                "completion_tokens":3,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":2,"cache_write_tokens":1,\
                "audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":1,"audio_tokens":0},"cost":0.1},\
                "system_fingerprint":"fp","service_tier":"default","provider":"up"}""";
        ChatResponse r = OpenAiCodec.parseChatResponse(json(wire), "openai");
        assertThat(new String(OpenAiCodec.writeChatResponse(r, null), StandardCharsets.UTF_8)).isEqualTo(wire);
        assertThat(new String(OpenAiCodec.writeChatResponse(r, Json.object().put("router", "auto")), StandardCharsets.UTF_8))
                .isEqualTo(wire.substring(0, wire.length() - 1) + ",\"switchboard\":{\"router\":\"auto\"}}");
    }

    private static JsonNode usage(Usage u) {
        return Json.parseUpstream(Json.write(g -> OpenAiCodec.writeUsage(u, g)), "test");
    }

    @Test
    void errorsUseOpenAisErrorObject() {
        JsonNode e = OpenAiCodec.writeError(GatewayException.NotFound.model("nope"));
        assertThat(e.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(e.at("/error/param").asText()).isEqualTo("model");
        assertThat(e.at("/error/message").asText()).contains("nope");
    }

    /**
     * The upstream's answer is read token by token: vectors go where their index says whatever the field order,
     * unknown fields (nested ones too) are skipped, and what is not an answer is the upstream's 502.
     */
    @Test
    void embeddingsAnswersAreReadByIndexWhateverTheirShape() {
        String answer = """
                {"object":"list","extra":{"nested":[1,{"deep":true}]},"data":[
                  {"embedding":[0.5,-1,2.5e-3],"object":"embedding","index":1,"note":[["x"]]},
                  {"index":0,"object":"embedding","embedding":"AACAPwAAAL8="}],
                 "model":"text-embedding-3-small","usage":{"total_tokens":7,"prompt_tokens":7,"details":{"a":1}}}""";
        EmbeddingResponse r = OpenAiEmbeddingsCodec.parseResponse(answer.getBytes(java.nio.charset.StandardCharsets.UTF_8), "up");
        assertThat(r.vectors()).hasSize(2);
        assertThat(r.vectors().get(0)).containsExactly(1.0f, -0.5f);
        assertThat(r.vectors().get(1)).containsExactly(0.5f, -1.0f, 0.0025f);
        assertThat(r.model()).isEqualTo("text-embedding-3-small");
        assertThat(r.usage().promptTokens()).isEqualTo(7);
        assertThat(OpenAiEmbeddingsCodec.parseResponse("{\"data\":[{\"embedding\":[1]},{\"embedding\":[2]}]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), "up").vectors()).as("no index: in order")
                .satisfiesExactly(v -> assertThat(v).containsExactly(1f), v -> assertThat(v).containsExactly(2f));

        for (String[] bad : new String[][] {
            {"", "up returned an empty body"},
            {"[1]", "without 'data'"},
            {"{\"model\":\"m\"}", "without 'data'"},
            {"{\"data\":{}}", "without 'data'"},
            {"{\"data\":[{\"index\":0}]}", "without a vector"},
            {"{\"data\":[{\"embedding\":null}]}", "without a vector"},
            {"{\"data\":[7]}", "without a vector"},
            {"{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[2]}]}", "a repeated index"},
            {"{\"data\":[{\"embedding\":[1,2", "malformed JSON"}}) {
            assertThatThrownBy(() -> OpenAiEmbeddingsCodec.parseResponse(bad[0].getBytes(java.nio.charset.StandardCharsets.UTF_8), "up"))
                    .as(bad[0]).isInstanceOf(GatewayException.UpstreamError.class).hasMessageContaining(bad[1]);
        }
    }

    @Test
    void embeddingsEncodeAsFloatsOrLittleEndianBase64() {
        var req = OpenAiEmbeddingsCodec.parseRequest(json("{\"model\":\"e\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}"));
        assertThat(req.input()).containsExactly("a", "b");
        assertThat(req.base64()).isTrue();
        assertThat(OpenAiEmbeddingsCodec.writeRequest(req, "up").get("encoding_format").asText()).isEqualTo("float");
        EmbeddingResponse resp = new EmbeddingResponse("e", List.of(new float[] {1.0f, -0.5f}), Usage.of(3, 0));
        byte[] b64 = OpenAiEmbeddingsCodec.writeResponse(resp, true);
        assertThat(json(new String(b64, java.nio.charset.StandardCharsets.UTF_8)).at("/data/0/embedding").asText())
                .isEqualTo("AACAPwAAAL8=");
        EmbeddingResponse decoded = OpenAiEmbeddingsCodec.parseResponse(b64, "t");
        assertThat(decoded.vectors().getFirst()).containsExactly(1.0f, -0.5f);
        for (String[] bad : new String[][] {
            {"{\"model\":\"e\"}", "'input'"},
            {"{\"model\":\"e\",\"input\":\"\"}", "empty string"},
            {"{\"model\":\"e\",\"input\":[\"a\",\"\"]}", "empty string"},
            {"{\"model\":\"e\",\"input\":[[]]}", "empty token array"},
            {"{\"model\":\"e\",\"input\":[[1,\"a\"]]}", "only token ids"},
            {"{\"model\":\"e\",\"input\":[3,-1]}", "Invalid type for 'input'"},
        }) {
            assertThatThrownBy(() -> OpenAiEmbeddingsCodec.parseRequest(json(bad[0]))).as(bad[0])
                    .isInstanceOf(GatewayException.BadRequest.class).hasMessageContaining(bad[1]);
        }
        assertThat(OpenAiEmbeddingsCodec.parseRequest(json("{\"model\":\"e\",\"input\":[[1,2],[3]]}")).tokenInput()).isTrue();
        assertThat(OpenAiEmbeddingsCodec.parseRequest(json("{\"model\":\"e\",\"input\":[1,2,3]}")).tokenInput()).isTrue();
    }

    private static ChatChunk readChunk(String text) throws java.io.IOException {
        try (var p = Json.parser(text)) {
            p.nextToken();
            return OpenAiCodec.readChunk(p);
        }
    }

    @Test
    void readsAChunkWithoutATreeSkippingWhatItDoesNotKnow() throws java.io.IOException {
        ChatChunk chunk = readChunk("""
                {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","x_extra":{"a":[1,{"b":2}]},
                 "system_fingerprint":null,
                 "choices":[{"index":1,"delta":{"role":"assistant","content":null,"reasoning":"think","x":[{}],
                   "tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":"{\\"q\\"","x":1}},
                                 {"function":{"arguments":":1}"}}]},
                   "logprobs":{"content":[{"token":"A","logprob":-0.1}]},"finish_reason":"tool_calls","x":true}],
                 "usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"completion_tokens_details":{"reasoning_tokens":2}}}
                """);
        assertThat(chunk.id()).isEqualTo("c1");
        assertThat(chunk.created()).isEqualTo(7);
        assertThat(chunk.systemFingerprint()).isEmpty();
        var choice = chunk.choices().getFirst();
        assertThat(choice.index()).isEqualTo(1);
        assertThat(choice.role()).contains(Role.ASSISTANT);
        assertThat(choice.content()).isEmpty();
        assertThat(choice.reasoning()).contains("think");
        assertThat(choice.toolCalls()).hasSize(2);
        assertThat(choice.toolCalls().get(0).arguments()).contains("{\"q\"");
        assertThat(choice.toolCalls().get(1).index()).isEqualTo(1); // no index: its position
        assertThat(choice.toolCalls().get(1).arguments()).contains(":1}");
        assertThat(choice.logprobs().orElseThrow().at("/content/0/token").asText()).isEqualTo("A");
        assertThat(choice.finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(chunk.usage().orElseThrow().reasoningTokens()).isEqualTo(2);

        assertThat(readChunk("{\"id\":\"c\",\"error\":{\"message\":\"boom\"}}")).as("an error event is read whole").isNull();
    }

    @Test
    void aWrittenChunkReadsBackTheSame() throws java.io.IOException {
        ChatChunk chunk = readChunk("""
                {"id":"c","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,
                 "delta":{"content":"héllo \\"quoted\\" \\n","refusal":"no","tool_calls":[{"index":2,"id":"t","function":{"name":"g","arguments":"{}"}}]},
                 "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}
                """);
        assertThat(readChunk(new String(OpenAiCodec.writeChunk(chunk), StandardCharsets.UTF_8))).isEqualTo(chunk);
    }

    /** An estimated usage chunk's note and a routed stream's extension go out as one {@code switchboard} object. */
    @Test
    void aChunksOwnSwitchboardNoteJoinsTheStreamsExtensionInOneObject() {
        var note = Json.object();
        note.putObject("switchboard").put("usage_estimated", true);
        ChatChunk chunk = new ChatChunk("c1", 1, "m", List.of(), java.util.Optional.of(Usage.of(3, 4)), java.util.Optional.empty(),
                java.util.Optional.of(note));

        String written = new String(Json.write(g -> OpenAiCodec.writeChunk(chunk, Json.object().put("event", "summary"), g)),
                StandardCharsets.UTF_8);

        assertThat(written.split("\"switchboard\"", -1)).hasSize(2);
        JsonNode ext = Json.parseBody(written.getBytes(StandardCharsets.UTF_8)).path("switchboard");
        assertThat(ext.path("event").asText()).isEqualTo("summary");
        assertThat(ext.path("usage_estimated").asBoolean()).isTrue();
        assertThat(new String(OpenAiCodec.writeChunk(chunk), StandardCharsets.UTF_8)).contains("\"switchboard\":{\"usage_estimated\":true}");
    }
}
