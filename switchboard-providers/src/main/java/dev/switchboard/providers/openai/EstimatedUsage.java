package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.Json;
import java.util.Optional;

/**
 * The usage an OpenAI-compatible upstream left out (some compatible servers send none, streamed or not), counted by
 * the gateway: the prompt and the answer's text (every choice's content, reasoning, refusal and tool calls) with its
 * tokenizer, which is not the upstream model's, so the answer says {@code "switchboard":{"usage_estimated":true}}.
 * The ledger and limits read the same counts.
 */
final class EstimatedUsage {
    private final TokenCounter tokens;
    private final ChatRequest request;
    private final StringBuilder answer = new StringBuilder();

    EstimatedUsage(TokenCounter tokens, ChatRequest request) {
        this.tokens = tokens;
        this.request = request;
    }

    /** A whole answer with the gateway's count in place of the usage it lacks; one with usage is returned as it is. */
    static ChatResponse completed(ChatResponse response, TokenCounter tokens, ChatRequest request) {
        if (response.usage().isPresent()) return response;
        EstimatedUsage estimate = new EstimatedUsage(tokens, request);
        response.choices().forEach(estimate::add);
        ObjectNode extras = response.extras().map(ObjectNode::deepCopy).orElseGet(Json::object);
        extras.setAll(marker());
        return new ChatResponse(response.id(), response.created(), response.model(), response.choices(),
                Optional.of(estimate.usage()), response.systemFingerprint(), response.serviceTier(), Optional.of(extras));
    }

    /** {@code {"switchboard":{"usage_estimated":true}}}: the fields that say the usage is the gateway's count. */
    static ObjectNode marker() {
        ObjectNode marker = Json.object();
        marker.putObject("switchboard").put("usage_estimated", true);
        return marker;
    }

    void add(ChunkChoice choice) {
        choice.content().ifPresent(answer::append);
        choice.reasoning().ifPresent(answer::append);
        choice.refusal().ifPresent(answer::append);
        for (ToolCallDelta call : choice.toolCalls()) {
            call.name().ifPresent(answer::append);
            call.arguments().ifPresent(answer::append);
        }
    }

    void add(Choice choice) {
        answer.append(choice.message().text());
        choice.message().reasoning().ifPresent(answer::append);
        choice.message().refusal().ifPresent(answer::append);
        for (ToolCall call : choice.message().toolCalls()) {
            answer.append(call.name());
            answer.append(call.arguments());
        }
    }

    Usage usage() {
        return Usage.of(request == null ? 0 : tokens.countPrompt(request), tokens.count(answer.toString()));
    }
}
