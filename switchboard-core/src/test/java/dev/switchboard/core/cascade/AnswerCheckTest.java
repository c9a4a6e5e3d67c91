package dev.switchboard.core.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.CascadeSettings;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.Json;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerCheckTest {
    private static final String SCHEMA = """
            {"type":"object","required":["city","population"],"additionalProperties":false,
             "properties":{"city":{"type":"string"},"population":{"type":"integer","minimum":0}}}""";

    private final AnswerCheck check = new AnswerCheck(CascadeSettings.Checks.ALL);

    @ParameterizedTest
    @ValueSource(strings = {
        "I'm sorry, but I can't help with that request.",
        "I am sorry, I cannot assist with this.",
        "Sorry, but I'm unable to provide that information.",
        "Unfortunately, I cannot answer questions about this topic.",
        "I can’t help with that.",
        "As an AI language model, I cannot browse the internet.",
        "I must decline to answer this question."})
    void refusalsAreRejected(String answer) {
        assertThat(check.check(question("Who won the 1998 World Cup?"), answer(answer)).rejection()).contains(AnswerCheck.Reason.REFUSAL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"I don't know.", "I do not know the answer to that.", "I'm not sure, it could be several things.",
        "I don't have enough information to answer.", "Unknown.", "N/A"})
    void dontKnowAnswersAreRejected(String answer) {
        assertThat(check.check(question("Who won the 1998 World Cup?"), answer(answer)).rejection()).contains(AnswerCheck.Reason.DONT_KNOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "France won the 1998 World Cup, beating Brazil 3–0 in the final in Saint-Denis.",
        "I can't help but notice the question is about 1998: France won, beating Brazil 3–0.",
        "Sorry for the wait! France won the 1998 World Cup.",
        "France. Many people say \"I don't know\" here, but the answer is France, who beat Brazil 3–0.",
        "4"})
    void goodAnswersPass(String answer) {
        assertThat(check.check(question("Who won the 1998 World Cup?"), answer(answer)).accepted()).isTrue();
    }

    @Test
    void aPhraseLikeARefusalDeepInALongAnswerIsNotARefusal() {
        String answer = "Recursion is when a function calls itself on a smaller input until it reaches a base case. ".repeat(4)
                + "A tutorial might say: I cannot help you if you forget the base case.";

        assertThat(check.check(question("Explain recursion."), answer(answer)).accepted()).isTrue();
    }

    @Test
    void emptyAndBlankAnswersAreRejected() {
        assertThat(check.check(question("Hi"), answer("")).rejection()).contains(AnswerCheck.Reason.EMPTY);
        assertThat(check.check(question("Hi"), answer("  \n ")).rejection()).contains(AnswerCheck.Reason.EMPTY);
        assertThat(check.check(question("Hi"), new ChatResponse("c", 1, "m", List.of(), Optional.empty(), Optional.empty(),
                Optional.empty())).rejection()).contains(AnswerCheck.Reason.EMPTY);
    }

    @Test
    void anAnswerCutAtTheTokenLimitIsTruncated() {
        ChatResponse cut = answer("Recursion is when a function calls itself on a smaller", FinishReason.LENGTH);

        assertThat(check.check(question("Explain recursion."), cut).rejection()).contains(AnswerCheck.Reason.TRUNCATED);
        assertThat(check.check(question("Explain recursion."), answer("Blocked.", FinishReason.CONTENT_FILTER)).rejection())
                .contains(AnswerCheck.Reason.CONTENT_FILTER);
    }

    @Test
    void jsonObjectFormatNeedsAJsonObject() {
        ChatRequest asked = question("Give the capital of France as JSON.").toBuilder().responseFormat(new ResponseFormat.JsonObject()).build();

        assertThat(check.check(asked, answer("{\"capital\": \"Paris\"")).rejection()).contains(AnswerCheck.Reason.INVALID_JSON);
        assertThat(check.check(asked, answer("The capital is Paris.")).rejection()).contains(AnswerCheck.Reason.INVALID_JSON);
        assertThat(check.check(asked, answer("[\"Paris\"]")).rejection()).contains(AnswerCheck.Reason.INVALID_JSON);
        assertThat(check.check(asked, answer("{\"capital\": \"Paris\"}")).accepted()).isTrue();
    }

    @Test
    void jsonSchemaFormatValidatesTheAnswerAgainstTheSchema() {
        ChatRequest asked = question("Describe Paris as JSON.").toBuilder()
                .responseFormat(new ResponseFormat.JsonSchema("city", Json.parseBody(SCHEMA.getBytes()), Optional.of(true), Optional.empty()))
                .build();

        AnswerCheck.Verdict wrongType = check.check(asked, answer("{\"city\":\"Paris\",\"population\":\"two million\"}"));
        AnswerCheck.Verdict missing = check.check(asked, answer("{\"city\":\"Paris\"}"));

        assertThat(wrongType.rejection()).contains(AnswerCheck.Reason.SCHEMA);
        assertThat(wrongType.detail()).contains("population");
        assertThat(missing.rejection()).contains(AnswerCheck.Reason.SCHEMA);
        assertThat(check.check(asked, answer("{\"city\":\"Paris\",\"population\":2102650}")).accepted()).isTrue();
        assertThat(check.check(asked, answer("not json")).rejection()).contains(AnswerCheck.Reason.INVALID_JSON);
    }

    @Test
    void aFewWordsForAQuestionThatAsksForAnExplanationAreTooShort() {
        assertThat(check.check(question("Explain how TCP congestion control works."), answer("It slows down.")).rejection())
                .contains(AnswerCheck.Reason.TOO_SHORT);
        assertThat(check.check(question("Why is the sky blue?"), answer("Rayleigh scattering.")).rejection())
                .contains(AnswerCheck.Reason.TOO_SHORT);
        assertThat(check.check(question("What is 2 + 2?"), answer("4")).accepted()).isTrue();
        assertThat(check.check(question("Explain how TCP congestion control works."), answer(
                "The sender keeps a congestion window that grows each round trip and halves when packets are lost.")).accepted()).isTrue();
    }

    @Test
    void toolCallAnswersPassWithoutText() {
        Message call = new Message(Role.ASSISTANT, List.of(), true, Optional.empty(),
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), Optional.empty(), Optional.empty(), Optional.empty());
        ChatResponse r = new ChatResponse("c", 1, "m", List.of(new Choice(0, call, Optional.of(FinishReason.TOOL_CALLS), Optional.empty())),
                Optional.of(Usage.of(10, 5)), Optional.empty(), Optional.empty());

        assertThat(check.check(question("What's the weather in Paris?"), r).accepted()).isTrue();
    }

    @Test
    void switchedOffChecksDoNotReject() {
        AnswerCheck lenient = new AnswerCheck(new CascadeSettings.Checks(false, List.of(), false, false, false, false, 8));

        assertThat(lenient.check(question("Explain recursion."), answer("I don't know.")).accepted()).isTrue();
        assertThat(lenient.check(question("Explain recursion."), answer("")).accepted()).isTrue();
        assertThat(lenient.check(question("Explain recursion."), answer("Recursion is", FinishReason.LENGTH)).accepted()).isTrue();
    }

    @Test
    void configuredRefusalPatternsAreMatchedOnTheOpening() {
        AnswerCheck custom = new AnswerCheck(new CascadeSettings.Checks(true, List.of(Pattern.compile("^ask your administrator",
                Pattern.CASE_INSENSITIVE)), true, true, true, true, 8));

        assertThat(custom.check(question("Reset my password."), answer("Ask your administrator to do that.")).rejection())
                .contains(AnswerCheck.Reason.REFUSAL);
        assertThat(check.check(question("Reset my password."), answer("Ask your administrator to do that.")).accepted()).isTrue();
    }

    static ChatRequest question(String text) {
        return ChatRequest.builder("cascade").message(Message.user(text)).build();
    }

    static ChatResponse answer(String text) {
        return answer(text, FinishReason.STOP);
    }

    static ChatResponse answer(String text, FinishReason finish) {
        return new ChatResponse("c", 1, "m", List.of(new Choice(0, Message.assistant(text), Optional.of(finish), Optional.empty())),
                Optional.of(Usage.of(10, 5)), Optional.empty(), Optional.empty());
    }
}
