package dev.switchboard.core.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.TokenCounter;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Canonical chunks from any provider → the Responses API's streaming events, as
 * https://platform.openai.com/docs/api-reference/responses-streaming describes them:
 * <pre>
 * response.created, response.in_progress,
 *   (response.output_item.added,
 *      reasoning:     response.reasoning_text.delta*, response.reasoning_text.done
 *      message:       (response.content_part.added, response.output_text.delta* | response.refusal.delta*,
 *                      response.output_text.done | response.refusal.done, response.content_part.done)*
 *      function_call: response.function_call_arguments.delta*, response.function_call_arguments.done
 *    response.output_item.done)*
 * response.completed | response.incomplete
 * </pre>
 * or an {@code error} event when the upstream fails mid-stream. Every event carries a {@code sequence_number} from 0.
 * An item opens when its first delta arrives and closes when another kind of output starts; each canonical tool-call
 * index is a {@code function_call} item of its own. The final event holds the whole response, as
 * {@link #response()} does afterwards. One instance per stream; not thread-safe.
 */
public final class OpenAiResponsesStreamEncoder implements SseEvent.Encoder {

    private enum Kind { NONE, REASONING, TEXT, REFUSAL, FUNCTION }

    private final String responseId;
    private final long createdAt;
    private final ObjectNode echo;
    private final int inputTokensEstimate;
    private final TokenCounter tokens;
    private final String model;
    private int sequence;
    private boolean started;
    private boolean ended;

    private final ArrayNode output = Json.NODES.arrayNode();
    private Kind open = Kind.NONE;
    private String itemId;
    private int outputIndex = -1;
    private ArrayNode messageContent; // the open message's finished parts
    private final StringBuilder part = new StringBuilder();
    private final Map<Integer, Call> calls = new LinkedHashMap<>();
    private Call openCall;

    private final StringBuilder answerText = new StringBuilder();
    private final StringBuilder answerReasoning = new StringBuilder();
    private final StringBuilder answerRefusal = new StringBuilder();
    private final StringBuilder generated = new StringBuilder();
    private Optional<FinishReason> finish = Optional.empty();
    private Optional<Usage> usage = Optional.empty();
    private ObjectNode response;

    private static final class Call {
        final String itemId;
        final int outputIndex;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        Call(String itemId, int outputIndex, String callId, String name) {
            this.itemId = itemId;
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }

    /**
     * @param echo the response object's fields that repeat the request ({@link OpenAiResponsesCodec.Request#echo()})
     * @param inputTokensEstimate input tokens counted when the upstream reports no usage
     * @param tokens counts output tokens when the upstream reports no usage
     */
    public OpenAiResponsesStreamEncoder(String responseId, long createdAt, String requestedModel, ObjectNode echo,
            int inputTokensEstimate, TokenCounter tokens) {
        this.responseId = responseId;
        this.createdAt = createdAt;
        this.model = requestedModel;
        this.echo = echo;
        this.inputTokensEstimate = inputTokensEstimate;
        this.tokens = tokens;
    }

    /** Events for one canonical chunk (the first one also announces the response). */
    @Override
    public List<SseEvent> encode(ChatChunk chunk) {
        List<SseEvent> events = new ArrayList<>();
        start(events);
        chunk.usage().ifPresent(u -> usage = Optional.of(u));
        for (ChunkChoice choice : chunk.choices()) {
            if (choice.index() != 0) continue; // a response has one answer
            choice.reasoning().filter(s -> !s.isEmpty()).ifPresent(t -> {
                ensureOpen(Kind.REASONING, events);
                events.add(sse(partEvent("response.reasoning_text.delta").put("delta", t)));
                part.append(t);
                answerReasoning.append(t);
                generated.append(t);
            });
            choice.content().filter(s -> !s.isEmpty()).ifPresent(t -> {
                ensureOpen(Kind.TEXT, events);
                ObjectNode data = partEvent("response.output_text.delta").put("delta", t);
                data.putArray("logprobs");
                events.add(sse(data));
                part.append(t);
                answerText.append(t);
                generated.append(t);
            });
            choice.refusal().filter(s -> !s.isEmpty()).ifPresent(t -> {
                ensureOpen(Kind.REFUSAL, events);
                events.add(sse(partEvent("response.refusal.delta").put("delta", t)));
                part.append(t);
                answerRefusal.append(t);
                generated.append(t);
            });
            for (ToolCallDelta call : choice.toolCalls()) toolDelta(call, events);
            choice.finishReason().ifPresent(f -> finish = Optional.of(f));
        }
        return events;
    }

    /** Closes the open item and ends the response: {@code response.completed}, or {@code response.incomplete} when cut. */
    @Override
    public List<SseEvent> finish() {
        List<SseEvent> events = new ArrayList<>();
        if (ended) return events;
        start(events);
        close(events);
        Usage used = usage.orElseGet(() -> Usage.of(inputTokensEstimate, tokens.count(generated.toString())));
        String status = OpenAiResponsesCodec.status(finish);
        response = OpenAiResponsesCodec.writeResponse(responseId, createdAt, model, status, finish, output,
                Optional.of(used), echo);
        String type = status.equals("completed") ? "response.completed" : "response.incomplete";
        events.add(sse(event(type).set("response", response)));
        ended = true;
        return events;
    }

    /** The event that ends a stream which failed after it started; nothing follows it. */
    @Override
    public SseEvent error(GatewayException e) {
        ended = true;
        ObjectNode data = event("error");
        e.code().ifPresentOrElse(c -> data.put("code", c), () -> data.put("code", e.type()));
        data.put("message", e.getMessage());
        e.param().ifPresentOrElse(p -> data.put("param", p), () -> data.putNull("param"));
        return sse(data);
    }

    /** The whole response, once {@link #finish()} ended it. */
    public Optional<ObjectNode> response() {
        return Optional.ofNullable(response);
    }

    /** The answer as a chat message, for the next turn's conversation: its text, refusal, reasoning and tool calls. */
    public Message answer() {
        List<ToolCall> toolCalls = calls.values().stream().map(c -> new ToolCall(c.callId, c.name, c.arguments.toString())).toList();
        List<ContentPart> content = answerText.isEmpty() ? List.of() : List.of(new ContentPart.Text(answerText.toString()));
        return new Message(Role.ASSISTANT, content, true, Optional.empty(), toolCalls, Optional.empty(),
                answerReasoning.isEmpty() ? Optional.empty() : Optional.of(answerReasoning.toString()),
                answerRefusal.isEmpty() ? Optional.empty() : Optional.of(answerRefusal.toString()));
    }

    private void start(List<SseEvent> events) {
        if (started) return;
        started = true;
        ObjectNode inProgress = OpenAiResponsesCodec.writeResponse(responseId, createdAt, model, "in_progress",
                Optional.empty(), Json.NODES.arrayNode(), Optional.empty(), echo);
        events.add(sse(event("response.created").set("response", inProgress)));
        events.add(sse(event("response.in_progress").set("response", inProgress)));
    }

    private void toolDelta(ToolCallDelta delta, List<SseEvent> events) {
        Call call = calls.get(delta.index());
        if (call == null) {
            close(events);
            call = new Call(OpenAiResponsesCodec.newId("fc"), ++outputIndex, delta.id().orElse("call_" + delta.index()),
                    delta.name().orElse(""));
            calls.put(delta.index(), call);
            events.add(itemEvent("response.output_item.added", call.outputIndex,
                    OpenAiResponsesCodec.functionCallItem(call.itemId, call.callId, call.name, "", "in_progress")));
            open = Kind.FUNCTION;
            openCall = call;
        }
        String args = delta.arguments().orElse("");
        if (args.isEmpty()) return;
        call.arguments.append(args);
        generated.append(args);
        // Upstreams stream one call after another; a late fragment still belongs to its own item.
        events.add(sse(event("response.function_call_arguments.delta").put("item_id", call.itemId)
                .put("output_index", call.outputIndex).put("delta", args)));
    }

    /** Opens an item (or, in the open message, a part) for this kind of output, closing what is open if it differs. */
    private void ensureOpen(Kind kind, List<SseEvent> events) {
        if (open == kind) return;
        boolean inMessage = (open == Kind.TEXT || open == Kind.REFUSAL) && (kind == Kind.TEXT || kind == Kind.REFUSAL);
        if (inMessage) {
            closePart(events);
        } else {
            close(events);
            outputIndex++;
            if (kind == Kind.REASONING) {
                itemId = OpenAiResponsesCodec.newId("rs");
                events.add(itemEvent("response.output_item.added", outputIndex, OpenAiResponsesCodec.reasoningItem(itemId, "")));
            } else {
                itemId = OpenAiResponsesCodec.newId("msg");
                messageContent = Json.NODES.arrayNode();
                events.add(itemEvent("response.output_item.added", outputIndex,
                        OpenAiResponsesCodec.messageItem(itemId, "in_progress", Json.NODES.arrayNode())));
            }
        }
        open = kind;
        if (kind == Kind.TEXT || kind == Kind.REFUSAL) {
            ObjectNode data = partEvent("response.content_part.added");
            data.set("part", kind == Kind.TEXT ? OpenAiResponsesCodec.textPart("") : OpenAiResponsesCodec.refusalPart(""));
            events.add(sse(data));
        }
    }

    /** Ends the open part of the open message: its done events, and the part joins the message's content. */
    private void closePart(List<SseEvent> events) {
        String text = part.toString();
        part.setLength(0);
        ObjectNode finished = open == Kind.TEXT ? OpenAiResponsesCodec.textPart(text) : OpenAiResponsesCodec.refusalPart(text);
        if (open == Kind.TEXT) {
            ObjectNode done = partEvent("response.output_text.done").put("text", text);
            done.putArray("logprobs");
            events.add(sse(done));
        } else {
            events.add(sse(partEvent("response.refusal.done").put("refusal", text)));
        }
        events.add(sse(partEvent("response.content_part.done").set("part", finished)));
        messageContent.add(finished);
    }

    private void close(List<SseEvent> events) {
        switch (open) {
            case NONE -> { return; }
            case REASONING -> {
                String text = part.toString();
                part.setLength(0);
                events.add(sse(partEvent("response.reasoning_text.done").put("text", text)));
                finishItem(OpenAiResponsesCodec.reasoningItem(itemId, text), events);
            }
            case TEXT, REFUSAL -> {
                closePart(events);
                // A message still open when the answer was cut is the part that was cut.
                String status = OpenAiResponsesCodec.status(finish).equals("incomplete") ? "incomplete" : "completed";
                finishItem(OpenAiResponsesCodec.messageItem(itemId, status, messageContent), events);
            }
            case FUNCTION -> {
                Call call = openCall;
                events.add(sse(event("response.function_call_arguments.done").put("item_id", call.itemId)
                        .put("output_index", call.outputIndex).put("name", call.name).put("arguments", call.arguments.toString())));
                ObjectNode item = OpenAiResponsesCodec.functionCallItem(call.itemId, call.callId, call.name,
                        call.arguments.toString(), "completed");
                events.add(itemEvent("response.output_item.done", call.outputIndex, item));
                output.add(item);
            }
        }
        open = Kind.NONE;
    }

    private void finishItem(ObjectNode item, List<SseEvent> events) {
        events.add(itemEvent("response.output_item.done", outputIndex, item));
        output.add(item);
    }

    /**
     * An event about the open part, addressed by item, output index and content index (a message's parts count up;
     * reasoning has one).
     */
    private ObjectNode partEvent(String type) {
        int contentIndex = open == Kind.REASONING || messageContent == null ? 0 : messageContent.size();
        return event(type).put("item_id", itemId).put("output_index", outputIndex).put("content_index", contentIndex);
    }

    private SseEvent itemEvent(String type, int index, ObjectNode item) {
        ObjectNode data = event(type).put("output_index", index);
        data.set("item", item);
        return sse(data);
    }

    /**
     * The data of the next event, of this type: {@code type} and {@code sequence_number} first, the caller's fields
     * after them. Events are numbered as their data is made, so each goes into the list before the next is made.
     */
    private ObjectNode event(String type) {
        return Json.object().put("type", type).put("sequence_number", sequence++);
    }

    private static SseEvent sse(ObjectNode data) {
        return new SseEvent(data.get("type").asText(), data);
    }
}
