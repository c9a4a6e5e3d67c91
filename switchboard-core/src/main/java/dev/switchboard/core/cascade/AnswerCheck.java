package dev.switchboard.core.cascade;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.switchboard.core.config.CascadeSettings;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.ResponseFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cascade's fast post-generation check (pure, no I/O): is a tier's answer good enough to serve, or
 * should the next tier answer instead? Looks at the first choice only. Tool-call answers pass: their
 * arguments are the client's to validate.
 */
public final class AnswerCheck {
    /** Why an answer was rejected; {@link #key()} is what headers and the response extension show. */
    public enum Reason {
        REFUSAL("refusal"), DONT_KNOW("dont-know"), EMPTY("empty"), TRUNCATED("truncated"), CONTENT_FILTER("content-filter"),
        INVALID_JSON("invalid-json"), SCHEMA("schema"), TOO_SHORT("too-short"), JUDGE("judge"), ERROR("error");

        private final String key;

        Reason(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** The outcome: accepted, or rejected for a reason, with a short human-readable detail. */
    public record Verdict(Optional<Reason> rejection, String detail) {
        public static Verdict accept(String detail) {
            return new Verdict(Optional.empty(), detail);
        }

        public static Verdict reject(Reason reason, String detail) {
            return new Verdict(Optional.of(reason), detail);
        }

        public boolean accepted() {
            return rejection.isEmpty();
        }
    }

    /** Only the opening is searched: a refusal comes first, and a long answer may quote such phrases. */
    static final int OPENING_CHARS = 240;

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    private static final List<Pattern> REFUSALS = List.of(
            Pattern.compile("^\\W*(i'?m|i am) (so |very |really )?sorry,? (but )?(i|as an ai)\\b", FLAGS),
            Pattern.compile("^\\W*(sorry|unfortunately|i apologi[sz]e),? (but )?(i|as an ai)\\b.{0,40}\\b(can(not|'t)|unable|won'?t|not able)", FLAGS),
            Pattern.compile("\\bi( can(not|'t)| am unable to|'m unable to| am not able to|'m not able to| won'?t| will not| must decline to) "
                    + "(help(?! but)|assist|provide|answer|comply|fulfil|fulfill|complete|do that|do this|support|engage)", FLAGS),
            Pattern.compile("^\\W*as an ai( language model)?,? i (can(not|'t)|am unable|don'?t|do not)\\b", FLAGS));
    private static final List<Pattern> DONT_KNOW = List.of(
            Pattern.compile("^\\W*i (really )?(don'?t|do not) know\\b", FLAGS),
            Pattern.compile("^\\W*i'?m not (sure|certain)\\b|^\\W*i am not (sure|certain)\\b", FLAGS),
            Pattern.compile("^\\W*i (don'?t|do not) have (enough |sufficient )?(information|context|data|access)\\b", FLAGS),
            Pattern.compile("^\\W*(unknown|no idea|n/?a|not sure)\\W*$", FLAGS));
    /** A question that asks for explanation deserves more than a few words; a plain question may be answered with one. */
    private static final Pattern ASKS_FOR_EXPLANATION = Pattern.compile("\\b(explain|describe|why|how (do|does|did|can|would|should|to)"
            + "|compare|contrast|discuss|summari[sz]e|outline|elaborate|walk me through|essay|step[- ]by[- ]step"
            + "|in detail|pros and cons|analy[sz]e)\\b", FLAGS);
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private final CascadeSettings.Checks checks;

    public AnswerCheck(CascadeSettings.Checks checks) {
        this.checks = checks;
    }

    public Verdict check(ChatRequest request, ChatResponse response) {
        if (response.choices().isEmpty()) return Verdict.reject(Reason.EMPTY, "the answer has no choices");
        Choice first = response.choices().getFirst();
        FinishReason finish = first.finishReason().orElse(FinishReason.STOP);
        if (finish == FinishReason.TOOL_CALLS || !first.message().toolCalls().isEmpty()) return Verdict.accept("tool calls");
        if (checks.truncated() && finish == FinishReason.LENGTH) {
            return Verdict.reject(Reason.TRUNCATED, "generation stopped at the token limit (finish_reason length)");
        }
        if (checks.truncated() && finish == FinishReason.CONTENT_FILTER) {
            return Verdict.reject(Reason.CONTENT_FILTER, "the provider's content filter cut the answer");
        }
        String text = first.message().text();
        if (checks.empty() && text.isBlank()) return Verdict.reject(Reason.EMPTY, "the answer is empty");
        String opening = opening(text);
        if (checks.refusal()) {
            if (matches(REFUSALS, opening) || matches(checks.refusalPatterns(), opening)) {
                return Verdict.reject(Reason.REFUSAL, "the answer opens with a refusal");
            }
            if (matches(DONT_KNOW, opening)) return Verdict.reject(Reason.DONT_KNOW, "the answer says it does not know");
        }
        Optional<ResponseFormat> format = request.responseFormat();
        if (checks.json() && format.isPresent() && !(format.get() instanceof ResponseFormat.Text)) {
            Optional<Verdict> json = json(format.get(), text);
            if (json.isPresent()) return json.get();
        }
        if (checks.tooShort() && format.isEmpty() && ASKS_FOR_EXPLANATION.matcher(request.lastUserText()).find()) {
            int words = 0;
            Matcher m = WORD.matcher(text);
            while (words < checks.minWords() && m.find()) words++; // enough words is enough: long answers stop early
            if (words < checks.minWords()) {
                return Verdict.reject(Reason.TOO_SHORT, words + " words for a question that asks for an explanation (minimum "
                        + checks.minWords() + ")");
            }
        }
        return Verdict.accept("passed the checks");
    }

    /** Empty when the answer is valid JSON of the asked shape. */
    private static Optional<Verdict> json(ResponseFormat format, String text) {
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return Optional.of(Verdict.reject(Reason.INVALID_JSON, "the answer is not valid JSON: " + e.getOriginalMessage()));
        }
        if (parsed == null || parsed.isMissingNode()) return Optional.of(Verdict.reject(Reason.INVALID_JSON, "the answer is not JSON"));
        if (format instanceof ResponseFormat.JsonObject && !parsed.isObject()) {
            return Optional.of(Verdict.reject(Reason.INVALID_JSON, "response_format json_object asks for a JSON object"));
        }
        if (format instanceof ResponseFormat.JsonSchema s) {
            Set<ValidationMessage> errors = SCHEMAS.getSchema(s.schema()).validate(parsed);
            if (!errors.isEmpty()) {
                return Optional.of(Verdict.reject(Reason.SCHEMA, "the answer does not match the JSON schema '" + s.name() + "': "
                        + errors.iterator().next().getMessage()));
            }
        }
        return Optional.empty();
    }

    private static String opening(String text) {
        String t = text.strip().replace('\u2019', '\'').replace('\u2018', '\'');
        t = t.length() > OPENING_CHARS ? t.substring(0, OPENING_CHARS) : t;
        return t.toLowerCase(Locale.ROOT);
    }

    private static boolean matches(List<Pattern> patterns, String text) {
        for (Pattern p : patterns) {
            if (p.matcher(text).find()) return true;
        }
        return false;
    }
}
