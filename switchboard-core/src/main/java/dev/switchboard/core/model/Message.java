package dev.switchboard.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One chat message in canonical form.
 *
 * @param contentIsText true when the content is one text: the client sent a plain string (kept so a re-encoded
 *     request looks like the original), or an answer came as several pieces of text (Anthropic's text blocks), which
 *     join without a separator as a stream of them does
 * @param reasoning the model's reasoning / thinking text, where a provider returns it
 * @param isError on a tool result: the tool failed (Anthropic's {@code is_error}; OpenAI has no such field)
 * @param cacheControl on a tool result: Anthropic's prompt-cache breakpoint on its {@code tool_result} block
 * @param extras the fields of an OpenAI-compatible upstream's answer message that the gateway does not model
 *     ({@code audio}, {@code annotations}, ...): written back unchanged, as the request's unknown fields travel
 *     on in {@link ChatRequest#openAiBody()}
 */
public record Message(
        Role role,
        List<ContentPart> content,
        boolean contentIsText,
        Optional<String> name,
        List<ToolCall> toolCalls,
        Optional<String> toolCallId,
        Optional<String> reasoning,
        Optional<String> refusal,
        boolean isError,
        Optional<JsonNode> cacheControl,
        Optional<ObjectNode> extras) {

    public Message {
        content = List.copyOf(content);
        toolCalls = List.copyOf(toolCalls);
    }

    public Message(Role role, List<ContentPart> content, boolean contentIsText, Optional<String> name,
            List<ToolCall> toolCalls, Optional<String> toolCallId, Optional<String> reasoning, Optional<String> refusal) {
        this(role, content, contentIsText, name, toolCalls, toolCallId, reasoning, refusal, false, Optional.empty());
    }

    public Message(Role role, List<ContentPart> content, boolean contentIsText, Optional<String> name,
            List<ToolCall> toolCalls, Optional<String> toolCallId, Optional<String> reasoning, Optional<String> refusal,
            boolean isError, Optional<JsonNode> cacheControl) {
        this(role, content, contentIsText, name, toolCalls, toolCallId, reasoning, refusal, isError, cacheControl,
                Optional.empty());
    }

    public Message(Role role, List<ContentPart> content, boolean contentIsText, Optional<String> name,
            List<ToolCall> toolCalls, Optional<String> toolCallId, Optional<String> reasoning, Optional<String> refusal,
            Optional<ObjectNode> extras) {
        this(role, content, contentIsText, name, toolCalls, toolCallId, reasoning, refusal, false, Optional.empty(), extras);
    }

    public static Message of(Role role, String text) {
        return new Message(role, List.of(new ContentPart.Text(text)), true, Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static Message system(String text) {
        return of(Role.SYSTEM, text);
    }

    public static Message user(String text) {
        return of(Role.USER, text);
    }

    public static Message assistant(String text) {
        return of(Role.ASSISTANT, text);
    }

    public static Message toolResult(String toolCallId, String text) {
        return new Message(Role.TOOL, List.of(new ContentPart.Text(text)), true, Optional.empty(), List.of(),
                Optional.of(toolCallId), Optional.empty(), Optional.empty());
    }

    /** The text parts joined (by a line break unless {@link #contentIsText}); images and other parts are left out. */
    public String text() {
        if (content.size() == 1 && content.getFirst() instanceof ContentPart.Text t) return t.text();
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text t) {
                if (!sb.isEmpty() && !contentIsText) sb.append('\n');
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /**
     * The content with every tool call in its place, for a format that orders text and calls in one list (Anthropic's
     * blocks): each call has exactly one {@link ContentPart.ToolUse}, those without one after the content.
     */
    public List<ContentPart> contentWithCalls() {
        boolean[] placed = new boolean[toolCalls.size()];
        List<ContentPart> out = new ArrayList<>(content.size() + toolCalls.size());
        for (ContentPart part : content) {
            if (part instanceof ContentPart.ToolUse u) {
                if (u.call() < 0 || u.call() >= placed.length || placed[u.call()]) continue;
                placed[u.call()] = true;
            }
            out.add(part);
        }
        for (int i = 0; i < placed.length; i++) if (!placed[i]) out.add(new ContentPart.ToolUse(i, Optional.empty()));
        return out;
    }

    public Message withContent(List<ContentPart> newContent, boolean isText) {
        return new Message(role, newContent, isText, name, toolCalls, toolCallId, reasoning, refusal, isError,
                cacheControl, extras);
    }
}
