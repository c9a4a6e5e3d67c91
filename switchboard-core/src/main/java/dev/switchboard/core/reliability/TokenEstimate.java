package dev.switchboard.core.reliability;

import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.pipeline.AttributeKey;
import dev.switchboard.core.pipeline.Exchange;

/**
 * What a chat request will cost in tokens: the prompt, counted once per exchange (or taken from its router,
 * which counted it already) and shared by the stages that need it, and the output the client asked for at most.
 *
 * @param prompt prompt tokens ({@link TokenCounter#countPrompt})
 * @param maxOutput the request's {@code max_tokens}, or 0 when it set none
 */
public record TokenEstimate(int prompt, int maxOutput) {
    private static final AttributeKey<TokenEstimate> KEY = AttributeKey.of("token-estimate", TokenEstimate.class);
    /**
     * A byte-level BPE token covers at least one UTF-8 byte, and a UTF-16 unit is at most three UTF-8
     * bytes: so tokens ≤ 3 × chars, a bound that needs no tokenizing.
     */
    private static final int TOKENS_PER_CHAR_BOUND = 3;
    private static final int PER_MESSAGE_BOUND = 8;
    private static final int PER_IMAGE_BOUND = 800;

    public long total() {
        return (long) prompt + maxOutput;
    }

    /** The estimate for the exchange's chat request, computed on first use. Embeddings count as zero. */
    public static TokenEstimate of(Exchange exchange, TokenCounter counter) {
        if (!exchange.isChat()) return new TokenEstimate(0, 0);
        return exchange.context().get(KEY).orElseGet(() -> {
            ChatRequest chat = exchange.chat();
            TokenEstimate e = new TokenEstimate(counter.countPrompt(chat), chat.maxTokens().orElse(0));
            exchange.context().set(KEY, e);
            return e;
        });
    }

    /**
     * Takes a prompt count already made for the exchange's chat request (the utility router's, for its context-window
     * check), so the stages after it do not tokenize the prompt again. A count already there stays.
     */
    public static void counted(Exchange exchange, int promptTokens) {
        if (!exchange.isChat() || exchange.context().get(KEY).isPresent()) return;
        exchange.context().set(KEY, new TokenEstimate(promptTokens, exchange.chat().maxTokens().orElse(0)));
    }

    /**
     * A cheap upper bound on prompt + output tokens, so a request that obviously fits every window is not
     * tokenized at all.
     */
    public static long upperBound(ChatRequest chat) {
        long chars = 0;
        long bound = 3 + chat.maxTokens().orElse(0);
        for (Message m : chat.messages()) {
            bound += PER_MESSAGE_BOUND;
            for (ContentPart part : m.content()) {
                if (part instanceof ContentPart.Text t) chars += t.text().length();
                else if (part instanceof ContentPart.Image) bound += PER_IMAGE_BOUND;
                else chars += part.toString().length();
            }
            for (ToolCall call : m.toolCalls()) chars += call.name().length() + call.arguments().length();
        }
        for (var tool : chat.tools()) {
            chars += tool.name().length() + tool.description().orElse("").length() + tool.parameters().toString().length();
        }
        return bound + TOKENS_PER_CHAR_BOUND * chars;
    }
}
