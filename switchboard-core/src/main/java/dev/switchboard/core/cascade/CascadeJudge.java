package dev.switchboard.core.cascade;

import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The optional judge of a cascade: the request that asks a (cheap) model to grade an answer, and the
 * reading of its verdict. Pure; the stage makes the call.
 */
final class CascadeJudge {
    static final String INSTRUCTIONS = "You grade answers. Reply with exactly one word: PASS if the answer fully and "
            + "correctly answers the question, FAIL if it refuses, is wrong, incomplete or off-topic.";
    /** Long questions and answers are cut for the judge: it needs the gist, not every token. */
    static final int MAX_QUOTED_CHARS = 6_000;
    private static final Pattern VERDICT = Pattern.compile("\\b(pass|fail)\\b");

    private CascadeJudge() {}

    static ChatRequest request(String judgeModel, ChatRequest original, String answer, int maxTokens) {
        String prompt = "Question:\n" + cut(original.lastUserText()) + "\n\nAnswer:\n" + cut(answer) + "\n\nPASS or FAIL?";
        return ChatRequest.builder(judgeModel)
                .messages(List.of(Message.system(INSTRUCTIONS), Message.user(prompt)))
                .maxTokens(maxTokens)
                .temperature(0)
                .build();
    }

    /** True for PASS, false for FAIL, empty when the reply says neither (or both) first. */
    static Optional<Boolean> verdict(String reply) {
        Matcher m = VERDICT.matcher(reply.toLowerCase(Locale.ROOT));
        if (!m.find()) return Optional.empty();
        return Optional.of(m.group(1).equals("pass"));
    }

    private static String cut(String text) {
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + " …";
    }
}
