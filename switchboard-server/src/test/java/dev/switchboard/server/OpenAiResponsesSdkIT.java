package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseInputMessageItem;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.inputitems.InputItemListPage;
import com.openai.models.responses.inputitems.InputItemListParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ResponseUsage;
import com.openai.models.responses.ToolChoiceFunction;
import com.openai.models.responses.ToolChoiceOptions;
import dev.switchboard.core.wire.Json;
import dev.switchboard.testkit.FakeUpstream;
import dev.switchboard.testkit.Fault;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official openai-java SDK's Responses API ({@code /v1/responses}), unmodified, against the real server in front of
 * a fake OpenAI upstream. The gateway answers each Responses request through its chat pipeline, so the upstream sees a
 * chat completions request: the tests check both what the client gets and what the upstream was asked.
 */
class OpenAiResponsesSdkIT {
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.openAi();
        gateway = OpenAiSdkIT.gatewayFor(upstream);
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.v1()).apiKey("sk-anything").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static ResponseCreateParams.Builder ask(String prompt) {
        return ResponseCreateParams.builder().model("gpt-4o-mini").instructions("Be brief.").input(prompt);
    }

    // ------------------------------------------------------------------ plain text

    @Test
    void answersANonStreamingResponseWithUsage() {
        Response r = client.responses().create(ask("hello there").maxOutputTokens(50).build());

        r.validate();
        assertThat(outputText(r)).isEqualTo("echo: hello there");
        assertThat(r.id()).startsWith("resp_");
        assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(r.incompleteDetails()).isEmpty();
        assertThat(ObjectMappers.jsonMapper().valueToTree(r.model()).asText()).isEqualTo("gpt-4o-mini");
        assertThat(r.maxOutputTokens()).hasValue(50L);
        ResponseUsage usage = r.usage().orElseThrow();
        assertThat(usage.inputTokens()).isPositive();
        assertThat(usage.outputTokens()).isPositive();
        assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());

        assertThat(upstream.lastRequest().path()).isEqualTo("/v1/chat/completions");
        JsonNode sent = upstream.lastRequest().bodyJson();
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(messages(sent)).containsExactly("system: Be brief.", "user: hello there");
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(upstream.lastRequest().headers().first("authorization")).hasValue("Bearer sk-upstream");
    }

    @Test
    void givesEachResponseItsOwnId() {
        Response a = client.responses().create(ask("first").build());
        Response b = client.responses().create(ask("second").build());
        assertThat(a.id()).startsWith("resp_").isNotEqualTo(b.id());
        assertThat(outputText(a)).isEqualTo("echo: first");
        assertThat(outputText(b)).isEqualTo("echo: second");
    }

    @Test
    void sendsInputItemsToTheUpstreamAsChatMessagesInOrder() {
        List<ResponseInputItem> input = List.of(
                ResponseInputItem.ofMessage(ResponseInputItem.Message.builder().role(ResponseInputItem.Message.Role.DEVELOPER)
                        .addInputTextContent("Answer in French.").build()),
                ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                        .content("bonjour").build()),
                ResponseInputItem.ofResponseOutputMessage(ResponseOutputMessage.builder().id("msg_earlier")
                        .status(ResponseOutputMessage.Status.COMPLETED)
                        .addContent(ResponseOutputText.builder().text("echo: bonjour").annotations(List.of()).build()).build()),
                ResponseInputItem.ofMessage(ResponseInputItem.Message.builder().role(ResponseInputItem.Message.Role.USER)
                        .addInputTextContent("comment vas-tu ?").build()));

        Response r = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").inputOfResponse(input).build());

        assertThat(outputText(r)).isEqualTo("echo: comment vas-tu ?");
        assertThat(messages(upstream.lastRequest().bodyJson())).containsExactly(
                "developer: Answer in French.", "user: bonjour", "assistant: echo: bonjour", "user: comment vas-tu ?");
    }

    // ------------------------------------------------------------------ function tools

    private static FunctionTool weatherTool(String name) {
        return FunctionTool.builder().name(name).description("Current weather in a city").strict(true)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build())
                .build();
    }

    @Test
    void sendsFunctionToolsUpstreamAndReturnsTheCallAsAFunctionCallItem() {
        Response r = client.responses().create(ask("weather in Paris").addTool(weatherTool("get_weather")).build());

        r.validate();
        JsonNode tools = upstream.lastRequest().bodyJson().get("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.get(0).get("type").asText()).isEqualTo("function");
        JsonNode fn = tools.get(0).get("function");
        assertThat(fn.get("name").asText()).isEqualTo("get_weather");
        assertThat(fn.get("description").asText()).isEqualTo("Current weather in a city");
        assertThat(fn.at("/parameters/properties/city/type").asText()).isEqualTo("string");
        assertThat(fn.at("/parameters/required/0").asText()).isEqualTo("city");
        assertThat(fn.get("strict").asBoolean()).isTrue();

        assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
        List<ResponseFunctionToolCall> calls = functionCalls(r);
        assertThat(calls).hasSize(1);
        ResponseFunctionToolCall call = calls.getFirst();
        assertThat(call.callId()).matches("call_fake\\d+_0"); // the fake upstream's tool call id
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(Json.parseBody(call.arguments().getBytes()).get("city").asText()).isEqualTo("weather in Paris");
        assertThat(r.tools()).singleElement().satisfies(t -> assertThat(t.asFunction().name()).isEqualTo("get_weather"));
    }

    @Test
    void sendsAFunctionCallAndItsOutputBackAsAssistantToolCallsAndAToolMessage() {
        ResponseInputItem question = ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER).content("weather in Oslo").build());
        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .inputOfResponse(List.of(question)).addTool(weatherTool("get_weather")).build());
        ResponseFunctionToolCall call = functionCalls(first).getFirst();

        Response second = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .inputOfResponse(List.of(question, ResponseInputItem.ofFunctionCall(call),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId(call.callId()).output("{\"temperature_c\":4}").build())))
                .addTool(weatherTool("get_weather")).build());

        JsonNode messages = upstream.lastRequest().bodyJson().get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(text(messages.get(0).get("content"))).isEqualTo("weather in Oslo");
        JsonNode assistant = messages.get(1);
        assertThat(assistant.get("role").asText()).isEqualTo("assistant");
        assertThat(assistant.get("tool_calls")).hasSize(1);
        JsonNode sentCall = assistant.get("tool_calls").get(0);
        assertThat(sentCall.get("id").asText()).isEqualTo(call.callId());
        assertThat(sentCall.get("type").asText()).isEqualTo("function");
        assertThat(sentCall.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(sentCall.at("/function/arguments").asText()).isEqualTo(call.arguments());
        JsonNode tool = messages.get(2);
        assertThat(tool.get("role").asText()).isEqualTo("tool");
        assertThat(tool.get("tool_call_id").asText()).isEqualTo(call.callId());
        assertThat(text(tool.get("content"))).isEqualTo("{\"temperature_c\":4}");

        assertThat(functionCalls(second)).isEmpty();
        assertThat(outputText(second)).isEqualTo("echo: {\"temperature_c\":4}");
    }

    @Test
    void mapsToolChoiceRequiredAndANamedFunctionToChatToolChoice() {
        client.responses().create(ask("weather in Rome").addTool(weatherTool("get_weather"))
                .toolChoice(ToolChoiceOptions.REQUIRED).build());
        assertThat(upstream.lastRequest().bodyJson().get("tool_choice").asText()).isEqualTo("required");

        Response named = client.responses().create(ask("forecast for Rome").addTool(weatherTool("get_weather"))
                .addTool(weatherTool("get_forecast")).toolChoice(ToolChoiceFunction.builder().name("get_forecast").build()).build());
        JsonNode choice = upstream.lastRequest().bodyJson().get("tool_choice");
        assertThat(choice.get("type").asText()).isEqualTo("function");
        assertThat(choice.at("/function/name").asText()).isEqualTo("get_forecast");
        assertThat(functionCalls(named)).extracting(ResponseFunctionToolCall::name).containsExactly("get_forecast");
    }

    @Test
    void returnsParallelToolCallsAsSeparateFunctionCallItems() {
        Response r = client.responses().create(ask("weather in Paris and Rome").addTool(weatherTool("get_weather"))
                .addTool(weatherTool("get_forecast")).build());
        List<ResponseFunctionToolCall> calls = functionCalls(r);
        assertThat(calls).extracting(ResponseFunctionToolCall::name).containsExactly("get_weather", "get_forecast");
        assertThat(calls).extracting(ResponseFunctionToolCall::callId).doesNotHaveDuplicates();
    }

    // ------------------------------------------------------------------ structured output

    @Test
    void sendsAJsonSchemaTextFormatAsAChatResponseFormat() {
        Map<String, Object> schema = Map.of("type", "object",
                "properties", Map.of("name", Map.of("type", "string"), "age", Map.of("type", "integer")),
                "required", List.of("name", "age"), "additionalProperties", false);
        ResponseFormatTextJsonSchemaConfig.Schema.Builder schemaBuilder = ResponseFormatTextJsonSchemaConfig.Schema.builder();
        schema.forEach((k, v) -> schemaBuilder.putAdditionalProperty(k, JsonValue.from(v)));
        Response r = client.responses().create(ask("give me a person").text(ResponseTextConfig.builder()
                .format(ResponseFormatTextJsonSchemaConfig.builder().name("person").strict(true).schema(schemaBuilder.build()).build())
                .build()).build());

        JsonNode format = upstream.lastRequest().bodyJson().get("response_format");
        assertThat(format.get("type").asText()).isEqualTo("json_schema");
        assertThat(format.at("/json_schema/name").asText()).isEqualTo("person");
        assertThat(format.at("/json_schema/strict").asBoolean()).isTrue();
        assertThat(format.at("/json_schema/schema")).isEqualTo(Json.MAPPER.valueToTree(schema));

        JsonNode person = Json.parseBody(outputText(r).getBytes());
        assertThat(person.get("name").isTextual()).isTrue();
        assertThat(person.get("age").isIntegralNumber()).isTrue();
        assertThat(r.text().orElseThrow().format().orElseThrow().asJsonSchema().name()).isEqualTo("person");
    }

    @Test
    void sendsAJsonObjectTextFormatAsAChatResponseFormat() {
        Response r = client.responses().create(ask("answer in json").text(ResponseTextConfig.builder()
                .format(ResponseFormatJsonObject.builder().build()).build()).build());

        assertThat(upstream.lastRequest().bodyJson().at("/response_format/type").asText()).isEqualTo("json_object");
        assertThat(Json.parseBody(outputText(r).getBytes()).get("echo").asText()).isEqualTo("answer in json");
    }

    // ------------------------------------------------------------------ streaming

    @Test
    void streamsTextAsOrderedEventsWithRisingSequenceNumbers() {
        List<ResponseStreamEvent> events = stream(ask("stream me please").build());

        events.forEach(ResponseStreamEvent::validate);
        assertThat(collapsedTypes(events)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        assertRisingFromZero(events);

        Response created = events.getFirst().asCreated().response();
        assertThat(created.id()).startsWith("resp_");
        assertThat(created.status()).hasValue(ResponseStatus.IN_PROGRESS);
        String itemId = events.stream().filter(ResponseStreamEvent::isOutputItemAdded).findFirst().orElseThrow()
                .asOutputItemAdded().item().asMessage().id();
        List<String> deltas = new ArrayList<>();
        for (ResponseStreamEvent e : events) {
            if (!e.isOutputTextDelta()) continue;
            assertThat(e.asOutputTextDelta().itemId()).isEqualTo(itemId);
            deltas.add(e.asOutputTextDelta().delta());
        }
        assertThat(String.join("", deltas)).isEqualTo("echo: stream me please");
        assertThat(only(events, ResponseStreamEvent::isOutputTextDone).asOutputTextDone().text()).isEqualTo("echo: stream me please");
        assertThat(only(events, ResponseStreamEvent::isContentPartDone).asContentPartDone().part().asOutputText().text())
                .isEqualTo("echo: stream me please");
        ResponseOutputItem doneItem = only(events, ResponseStreamEvent::isOutputItemDone).asOutputItemDone().item();
        assertThat(doneItem.asMessage().id()).isEqualTo(itemId);
        assertThat(doneItem.asMessage().content().getFirst().asOutputText().text()).isEqualTo("echo: stream me please");

        Response completed = events.getLast().asCompleted().response();
        assertThat(completed.id()).isEqualTo(created.id());
        assertThat(completed.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(outputText(completed)).isEqualTo("echo: stream me please");
        ResponseUsage usage = completed.usage().orElseThrow();
        assertThat(usage.inputTokens()).isPositive();
        assertThat(usage.outputTokens()).isPositive();
        assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());

        JsonNode sent = upstream.lastRequest().bodyJson();
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(messages(sent)).containsExactly("system: Be brief.", "user: stream me please");
    }

    @Test
    void streamsAToolCallAsFunctionCallArgumentEvents() {
        List<ResponseStreamEvent> events = stream(ask("weather in Oslo").addTool(weatherTool("get_weather")).build());

        events.forEach(ResponseStreamEvent::validate);
        assertThat(collapsedTypes(events)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        assertRisingFromZero(events);

        ResponseFunctionToolCall added = only(events, ResponseStreamEvent::isOutputItemAdded).asOutputItemAdded().item().asFunctionCall();
        assertThat(added.name()).isEqualTo("get_weather");
        assertThat(added.callId()).matches("call_fake\\d+_0");
        StringBuilder args = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDelta)
                .forEach(e -> args.append(e.asFunctionCallArgumentsDelta().delta()));
        String done = only(events, ResponseStreamEvent::isFunctionCallArgumentsDone).asFunctionCallArgumentsDone().arguments();
        assertThat(args.toString()).isEqualTo(done);
        assertThat(Json.parseBody(done.getBytes()).get("city").asText()).isEqualTo("weather in Oslo");
        ResponseFunctionToolCall finished = only(events, ResponseStreamEvent::isOutputItemDone).asOutputItemDone().item().asFunctionCall();
        assertThat(finished.callId()).isEqualTo(added.callId());
        assertThat(finished.arguments()).isEqualTo(done);

        Response completed = events.getLast().asCompleted().response();
        assertThat(functionCalls(completed)).singleElement().satisfies(c -> {
            assertThat(c.callId()).isEqualTo(added.callId());
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.arguments()).isEqualTo(done);
        });
    }

    // ------------------------------------------------------------------ truncation

    private static final String LONG_PROMPT = "please repeat every one of these many words back to me so that the answer "
            + "runs well past the small limit on output tokens that this request sets for the model";

    @Test
    void anAnswerCutByTheOutputLimitIsIncomplete() {
        Response r = client.responses().create(ask(LONG_PROMPT).maxOutputTokens(16).build());

        r.validate();
        assertThat(upstream.lastRequest().bodyJson().get("max_completion_tokens").asInt()).isEqualTo(16);
        assertThat(r.status()).hasValue(ResponseStatus.INCOMPLETE);
        assertThat(r.incompleteDetails().orElseThrow().reason()).hasValue(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS);
        assertThat(outputText(r)).isNotEmpty().isNotEqualTo("echo: " + LONG_PROMPT);
        assertThat("echo: " + LONG_PROMPT).startsWith(outputText(r));
    }

    @Test
    void aStreamCutByTheOutputLimitEndsWithResponseIncomplete() {
        List<ResponseStreamEvent> events = stream(ask(LONG_PROMPT).maxOutputTokens(16).build());

        events.forEach(ResponseStreamEvent::validate);
        assertRisingFromZero(events);
        assertThat(events).noneMatch(ResponseStreamEvent::isCompleted);
        assertThat(types(events).getLast()).isEqualTo("response.incomplete");
        Response r = events.getLast().asIncomplete().response();
        assertThat(r.status()).hasValue(ResponseStatus.INCOMPLETE);
        assertThat(r.incompleteDetails().orElseThrow().reason()).hasValue(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS);
        StringBuilder deltas = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isOutputTextDelta).forEach(e -> deltas.append(e.asOutputTextDelta().delta()));
        assertThat(outputText(r)).isNotEmpty().isEqualTo(deltas.toString());
        assertThat("echo: " + LONG_PROMPT).startsWith(outputText(r)).isNotEqualTo(outputText(r));
    }

    // ------------------------------------------------------------------ stored responses

    @Test
    void aStoredResponseCanBeRetrievedAndDeleted() {
        Response created = client.responses().create(ask("remember me").build());

        Response fetched = client.responses().retrieve(created.id());
        fetched.validate();
        assertThat(fetched.id()).isEqualTo(created.id());
        assertThat(fetched.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(outputText(fetched)).isEqualTo("echo: remember me");
        assertThat(fetched.usage().orElseThrow().totalTokens()).isEqualTo(created.usage().orElseThrow().totalTokens());

        client.responses().delete(created.id());
        assertThatThrownBy(() -> client.responses().retrieve(created.id()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> client.responses().delete(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aStoredResponsesInputItemsAreListedNewestFirstAndPaged() {
        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .input("weather in Lima").addTool(weatherTool("get_weather")).build());
        ResponseFunctionToolCall call = functionCalls(first).getFirst();
        Response second = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").instructions("Be brief.")
                .previousResponseId(first.id()).addTool(weatherTool("get_weather"))
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId(call.callId()).output("sunny").build()),
                        ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                                .content("and tomorrow?").build())))
                .build());

        // This turn's input only (not the earlier turns, not the instructions), newest first as OpenAI lists it.
        InputItemListPage page = client.responses().inputItems().list(second.id());
        page.data().forEach(ResponseItem::validate);
        assertThat(page.data()).hasSize(2);
        assertThat(page.data().get(0).isResponseInputMessageItem()).isTrue();
        ResponseInputMessageItem message = page.data().get(0).asResponseInputMessageItem();
        assertThat(message.role()).isEqualTo(ResponseInputMessageItem.Role.USER);
        assertThat(message.content().getFirst().asInputText().text()).isEqualTo("and tomorrow?");
        assertThat(page.data().get(1).isFunctionCallOutput()).isTrue();
        assertThat(page.data().get(1).asFunctionCallOutput().callId()).hasValue(call.callId());
        assertThat(page.hasMore()).hasValue(false);

        // The same items on every read, so a client pages through them one at a time.
        List<String> ascending = new ArrayList<>();
        client.responses().inputItems().list(second.id(), InputItemListParams.builder().order(InputItemListParams.Order.ASC)
                .limit(1L).build()).autoPager().forEach(item -> ascending.add(itemId(item)));
        assertThat(ascending).containsExactly(itemId(page.data().get(1)), itemId(page.data().get(0)));

        InputItemListPage firstTurn = client.responses().inputItems().list(first.id());
        assertThat(firstTurn.data()).singleElement().satisfies(item ->
                assertThat(item.asResponseInputMessageItem().content().getFirst().asInputText().text()).isEqualTo("weather in Lima"));
    }

    @Test
    void inputItemsOfAnUnknownResponseAre404AndABadPageIs400() throws Exception {
        assertThatThrownBy(() -> client.responses().inputItems().list("resp_doesnotexist"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        Response created = client.responses().create(ask("page me").build());
        assertThatThrownBy(() -> client.responses().inputItems().list(created.id(), InputItemListParams.builder().limit(101L).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("limit"));
        assertThatThrownBy(() -> client.responses().inputItems().list(created.id(), InputItemListParams.builder().after("msg_x").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("after"));
        HttpResponse<String> badOrder = gateway.get("/v1/responses/" + created.id() + "/input_items?order=sideways");
        assertThat(badOrder.statusCode()).isEqualTo(400);
        assertThat(badOrder.body()).contains("\"param\":\"order\"");
        HttpResponse<String> cancel = gateway.send("POST", "/v1/responses/" + created.id() + "/cancel");
        assertThat(cancel.statusCode()).as(cancel.body()).isIn(404, 405);
    }

    private static String itemId(ResponseItem item) {
        if (item.isResponseInputMessageItem()) return item.asResponseInputMessageItem().id();
        if (item.isFunctionCallOutput()) return item.asFunctionCallOutput().id();
        throw new AssertionError("unexpected item " + item);
    }

    @Test
    void aResponseNotToBeStoredCannotBeRetrieved() {
        Response created = client.responses().create(ask("forget me").store(false).build());
        assertThat(outputText(created)).isEqualTo("echo: forget me");
        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anUnknownResponseIdIsA404() {
        assertThatThrownBy(() -> client.responses().retrieve("resp_doesnotexist"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    }

    @Test
    void aStreamedResponseIsStoredToo() {
        List<ResponseStreamEvent> events = stream(ask("streamed and stored").build());
        String id = events.getLast().asCompleted().response().id();
        assertThat(outputText(client.responses().retrieve(id))).isEqualTo("echo: streamed and stored");
    }

    @Test
    void previousResponseIdContinuesTheConversationWithoutItsInstructions() {
        Response first = client.responses().create(ask("my name is Ada").build());
        assertThat(messages(upstream.lastRequest().bodyJson())).containsExactly("system: Be brief.", "user: my name is Ada");

        Response second = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .previousResponseId(first.id()).input("what is my name?").build());
        assertThat(messages(upstream.lastRequest().bodyJson())).containsExactly(
                "user: my name is Ada", "assistant: echo: my name is Ada", "user: what is my name?");
        assertThat(outputText(second)).isEqualTo("echo: what is my name?");
        assertThat(second.previousResponseId()).hasValue(first.id());

        // A chain carries every earlier turn; this turn's own instructions come first.
        client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").instructions("Be kind.")
                .previousResponseId(second.id()).input("thanks").build());
        assertThat(messages(upstream.lastRequest().bodyJson())).containsExactly("system: Be kind.",
                "user: my name is Ada", "assistant: echo: my name is Ada", "user: what is my name?",
                "assistant: echo: what is my name?", "user: thanks");
    }

    @Test
    void previousResponseIdCarriesAFunctionCallToItsOutput() {
        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .input("weather in Lima").addTool(weatherTool("get_weather")).build());
        ResponseFunctionToolCall call = functionCalls(first).getFirst();

        Response second = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .previousResponseId(first.id()).addTool(weatherTool("get_weather"))
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("sunny").build())))
                .build());

        JsonNode messages = upstream.lastRequest().bodyJson().get("messages");
        assertThat(messages).extracting(m -> m.get("role").asText()).containsExactly("user", "assistant", "tool");
        assertThat(messages.get(1).at("/tool_calls/0/id").asText()).isEqualTo(call.callId());
        assertThat(messages.get(1).at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(messages.get(2).get("tool_call_id").asText()).isEqualTo(call.callId());
        assertThat(outputText(second)).isEqualTo("echo: sunny");
    }

    @Test
    void anUnknownPreviousResponseIdIsA400NamingTheParameter() {
        int before = upstream.requests().size();
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .previousResponseId("resp_neverwas").input("hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("previous_response_id");
                    assertThat(e.code()).hasValue("previous_response_not_found");
                });
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void aResponseNotStoredCannotBeContinued() {
        Response unstored = client.responses().create(ask("ephemeral").store(false).build());
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .previousResponseId(unstored.id()).input("and then?").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("previous_response_id"));
    }

    // ------------------------------------------------------------------ errors

    @Test
    void badRequestsAre400sNamingTheParameter() throws Exception {
        record Case(String body, String param) {}
        for (Case c : List.of(
                new Case("{\"input\":\"hi\"}", "model"),
                new Case("{\"model\":\"gpt-4o-mini\"}", "input"),
                new Case("{\"model\":\"gpt-4o-mini\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}", "tools[0].type"),
                new Case("{\"model\":\"gpt-4o-mini\",\"input\":[{\"type\":\"banana\",\"text\":\"hi\"}]}", "input[0].type"),
                new Case("{\"model\":\"gpt-4o-mini\",\"input\":\"hi\",\"background\":true}", "background"))) {
            int before = upstream.requests().size();
            HttpResponse<String> r = gateway.post("/v1/responses", c.body());
            assertThat(r.statusCode()).as(c.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("content-type").orElseThrow()).as(c.body()).startsWith("application/json");
            JsonNode error = Json.parseBody(r.body().getBytes()).get("error");
            assertThat(error.get("type").asText()).as(c.body()).isEqualTo("invalid_request_error");
            assertThat(error.get("param").asText()).as(c.body()).isEqualTo(c.param());
            assertThat(error.get("message").asText()).as(c.body()).isNotBlank();
            assertThat(upstream.requests()).as(c.body()).hasSize(before);
        }
    }

    @Test
    void malformedJsonIsA400() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/responses", "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.parseBody(r.body().getBytes()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void anUnknownModelIsA404WithAnOpenAiErrorObject() {
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("no-such-model").input("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("no-such-model");
                });
    }

    @Test
    void upstreamFailuresReachTheClientAsOpenAiErrors() {
        upstream.enqueue(Fault.status(401, "Incorrect API key provided"));
        assertThatThrownBy(() -> client.responses().create(ask("hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.type()).hasValue("authentication_error");
                });

        upstream.enqueue(Fault.status(400, "This model's maximum context length is 128000 tokens."));
        assertThatThrownBy(() -> client.responses().create(ask("hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.code()).hasValue("context_length_exceeded");
                });

        assertThat(outputText(client.responses().create(ask("fine again").build()))).isEqualTo("echo: fine again");
    }

    @Test
    void aStreamThatFailsBeforeItsFirstEventGetsAnErrorStatusNotA200() {
        upstream.enqueue(Fault.status(401, "Incorrect API key provided"));
        assertThatThrownBy(() -> stream(ask("hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void twentyConcurrentMixedResponsesGetTheirOwnAnswers() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String prompt = "response number " + i;
                boolean streaming = i % 2 == 0;
                results.add(pool.submit(() -> {
                    if (!streaming) return outputText(client.responses().create(ask(prompt).build()));
                    StringBuilder sb = new StringBuilder();
                    List<ResponseStreamEvent> events = stream(ask(prompt).build());
                    events.stream().filter(ResponseStreamEvent::isOutputTextDelta).forEach(e -> sb.append(e.asOutputTextDelta().delta()));
                    assertThat(outputText(events.getLast().asCompleted().response())).isEqualTo(sb.toString());
                    return sb.toString();
                }));
            }
            for (int i = 0; i < 20; i++) assertThat(results.get(i).get()).isEqualTo("echo: response number " + i);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The text of every output_text part of every message item, joined (what the Python SDK calls output_text). */
    static String outputText(Response r) {
        StringBuilder sb = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> sb.append(t.text()))));
        }
        return sb.toString();
    }

    static List<ResponseFunctionToolCall> functionCalls(Response r) {
        return r.output().stream().filter(ResponseOutputItem::isFunctionCall).map(ResponseOutputItem::asFunctionCall).toList();
    }

    /** The chat messages the upstream received, each as {@code "role: text"}. */
    static List<String> messages(JsonNode chatBody) {
        List<String> out = new ArrayList<>();
        chatBody.get("messages").forEach(m -> out.add(m.get("role").asText() + ": " + text(m.get("content"))));
        return out;
    }

    /** A chat message's content as text: a string as it is, a list of parts as their texts joined. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder sb = new StringBuilder();
        content.forEach(p -> sb.append(p.path("text").asText()));
        return sb.toString();
    }

    static List<ResponseStreamEvent> stream(ResponseCreateParams params) {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(params)) {
            s.stream().forEach(events::add);
        }
        return events;
    }

    /** An event as the JSON it came as, for its {@code type} and {@code sequence_number}, which every kind has. */
    static JsonNode json(ResponseStreamEvent e) {
        return ObjectMappers.jsonMapper().valueToTree(e);
    }

    static List<String> types(List<ResponseStreamEvent> events) {
        return events.stream().map(e -> json(e).get("type").asText()).toList();
    }

    /** The events' types, with each run of the same {@code .delta} type as one. */
    static List<String> collapsedTypes(List<ResponseStreamEvent> events) {
        List<String> out = new ArrayList<>();
        for (String t : types(events)) {
            if (out.isEmpty() || !t.endsWith(".delta") || !out.getLast().equals(t)) out.add(t);
        }
        return out;
    }

    static void assertRisingFromZero(List<ResponseStreamEvent> events) {
        List<Long> numbers = events.stream().map(e -> json(e).get("sequence_number").asLong()).toList();
        assertThat(numbers).isNotEmpty();
        assertThat(numbers.getFirst()).isZero();
        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).as("sequence numbers %s", numbers).isGreaterThan(numbers.get(i - 1));
        }
    }

    static ResponseStreamEvent only(List<ResponseStreamEvent> events, java.util.function.Predicate<ResponseStreamEvent> which) {
        List<ResponseStreamEvent> matching = events.stream().filter(which).toList();
        assertThat(matching).as(types(events).toString()).hasSize(1);
        return matching.getFirst();
    }
}
