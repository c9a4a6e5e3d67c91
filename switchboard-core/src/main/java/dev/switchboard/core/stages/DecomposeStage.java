package dev.switchboard.core.stages;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.GatewayException;
import dev.switchboard.core.Ticker;
import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.RoutingSettings;
import dev.switchboard.core.config.ServerSettings;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.pipeline.AttributeKey;
import dev.switchboard.core.pipeline.Attributes;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.routing.SubTask;
import dev.switchboard.core.routing.TaskSplitter;
import dev.switchboard.core.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * For the routed model ({@code switchboard/auto}): splits a compound prompt into sub-tasks, plans each
 * with the router, runs each down the rest of the pipeline on its own virtual thread (so fallbacks and
 * retries apply per part), and merges the answers in prompt order. Dependent parts run after the part
 * they need and receive its answer. Other models pass straight through.
 */
public final class DecomposeStage implements Stage {
    /** Set by the ingress from {@code x-switchboard-decompose: off}: route as one task. */
    public static final AttributeKey<Boolean> DECOMPOSE = AttributeKey.of("decompose", Boolean.class);
    /** The parts' outcomes, for the ledger (one record per part). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final AttributeKey<List<PartOutcome>> PART_OUTCOMES = (AttributeKey) AttributeKey.of("part-outcomes", List.class);

    private final Set<String> autoNames;
    private final RoutingSettings settings;
    private final TaskSplitter splitter;
    private final Router planner;
    private final SpendCalculator spend;
    private final Ticker ticker;
    private final int maxAnswerChars;
    private final ExecutorService parts = Executors.newVirtualThreadPerTaskExecutor();

    public DecomposeStage(RoutingSettings settings, TaskSplitter splitter, Router planner, SpendCalculator spend, Ticker ticker) {
        this(settings, splitter, planner, spend, ticker, ServerSettings.DEFAULT_MAX_RESPONSE_BYTES);
    }

    /**
     * {@code maxAnswerChars}: the most of a part's streamed text gathered in memory (the bound of an answer read whole,
     * {@code max-response-bytes}); a streamed part past it ends as failed, and a one-task stream stops gathering.
     */
    public DecomposeStage(RoutingSettings settings, TaskSplitter splitter, Router planner, SpendCalculator spend, Ticker ticker,
            int maxAnswerChars) {
        this.maxAnswerChars = maxAnswerChars;
        this.autoNames = Set.copyOf(settings.modelNames());
        this.settings = settings;
        this.splitter = splitter;
        this.planner = planner;
        this.spend = spend;
        this.ticker = ticker;
    }

    /** One part: its sub-task, the plan made for it, and the child exchange it runs in. */
    public record PartRun(SubTask task, RoutePlan plan, ObjectNode report) {}

    public boolean handles(String model) {
        return autoNames.contains(model);
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        if (!exchange.isChat() || !handles(exchange.request().model())) return next.proceed(exchange);
        ChatRequest request = exchange.chat();
        List<PartRun> runs = plan(exchange, request);
        ObjectNode extension = extension(runs);
        exchange.context().set(Attributes.RESPONSE_EXTENSION, extension);
        exchange.context().header("x-switchboard-route", compactRoute(runs));
        if (runs.stream().anyMatch(r -> r.report().path("simulated").asBoolean())) {
            exchange.context().header("x-switchboard-simulated", "true");
        }
        PartExecutor executor = new PartExecutor(exchange, request, runs, next, spend, ticker, parts, maxAnswerChars);
        return request.stream() ? executor.stream(extension) : executor.complete(extension);
    }

    /**
     * The dry run: how the request would be split and routed, without calling any model. The same planning
     * a real request goes through.
     */
    public ObjectNode explain(Exchange exchange) {
        return extension(plan(exchange, exchange.chat()));
    }

    /**
     * Splits (unless turned off, or the request asks for what only one whole answer can give: tool calls, JSON
     * output, several choices, log-probs) and plans every part.
     */
    private List<PartRun> plan(Exchange exchange, ChatRequest request) {
        String prompt = request.lastUserText();
        if (prompt.isBlank()) throw new GatewayException.BadRequest("The last user message has no text (it is empty, or only images or audio): there is nothing to route.", "messages");
        boolean single = !settings.decompose() || !exchange.context().get(DECOMPOSE).orElse(true)
                || !request.tools().isEmpty() || request.responseFormat().isPresent() || request.n().orElse(1) > 1
                || request.logprobs();
        List<SubTask> tasks = single ? List.of(new SubTask(prompt, 0, Optional.empty(),
                "Routed as one task (decomposition is off for this request).")) : splitter.split(prompt);
        List<PartRun> runs = new ArrayList<>();
        for (SubTask task : tasks) {
            ChatRequest partRequest = partRequest(request, task.text(), tasks.size());
            RoutePlan plan = planner.route(exchange.withRequest(partRequest)).orElseThrow(() ->
                    GatewayException.NotFound.model(request.model()));
            if (plan.candidates().isEmpty()) {
                throw new GatewayException.Unsupported("No configured model can handle part " + (task.order() + 1) + " ("
                        + plan.rationale() + ").", "messages");
            }
            Optional<Deployment> chosen = plan.candidates().stream().findFirst();
            runs.add(new PartRun(task, plan, RouteReport.partPlan(task, plan.decision(), chosen)));
        }
        return runs;
    }

    /**
     * The request for one part: the conversation's instructions and history, with the part as the last user turn's
     * text; that turn's images and other non-text content go to every part. The client's output limit bounds the merged
     * answer, so each of {@code parts} parts gets an equal share of it.
     */
    static ChatRequest partRequest(ChatRequest request, String text, int parts) {
        List<Message> messages = new ArrayList<>(request.messages());
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                List<ContentPart> content = new ArrayList<>();
                content.add(new ContentPart.Text(text));
                for (ContentPart part : messages.get(i).content()) if (!(part instanceof ContentPart.Text)) content.add(part);
                messages.set(i, content.size() == 1 ? Message.user(text) : messages.get(i).withContent(content, false));
                break;
            }
        }
        ChatRequest.Builder part = request.toBuilder().messages(messages).openAiBody(Optional.empty());
        if (parts > 1 && request.maxTokens().isPresent()) part.maxTokens(Math.max(1, request.maxTokens().getAsInt() / parts));
        return part.build();
    }

    private ObjectNode extension(List<PartRun> runs) {
        ObjectNode ext = Json.object().put("router", "utility").put("decomposed", runs.size() > 1);
        ext.put("explanation", runs.size() > 1
                ? "Split into " + runs.size() + " parts; each went to the cheapest model meeting its quality bar."
                : runs.getFirst().task().explanation());
        ArrayNode parts = ext.putArray("parts");
        runs.forEach(r -> parts.add(r.report()));
        return ext;
    }

    /** e.g. {@code 2 parts; 0=documentation>granite4.1:3b; 1=code_generation>gemma3:4b} */
    private static String compactRoute(List<PartRun> runs) {
        StringBuilder sb = new StringBuilder().append(runs.size()).append(runs.size() == 1 ? " part" : " parts");
        for (PartRun r : runs) {
            sb.append("; ").append(r.task().order()).append('=').append(r.report().path("task_type").asText("task"))
                    .append('>').append(r.report().path("model").asText("?"));
        }
        return sb.toString();
    }

    /** Stops the part threads' executor when the engine closes. */
    public void close() {
        parts.shutdownNow();
    }

}
