package dev.switchboard.core.stages;

import dev.switchboard.core.GatewayException;
import dev.switchboard.core.pipeline.Attributes;
import dev.switchboard.core.pipeline.Chain;
import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.Reply;
import dev.switchboard.core.pipeline.RoutePlan;
import dev.switchboard.core.pipeline.Stage;
import dev.switchboard.core.reliability.TokenEstimate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Asks the routers in order for a plan; the first that handles the model wins. Unknown model: 404. */
public final class RouteStage implements Stage {
    private final List<Router> routers;
    private final Set<String> chatOnlyNames;

    public RouteStage(List<Router> routers) {
        this(routers, Set.of());
    }

    /**
     * @param chatOnlyNames names that only route chats (router chains, cascades, the cost-aware router's): another kind
     *     of request for one is told so, not that a model listed in {@code /v1/models} does not exist
     */
    public RouteStage(List<Router> routers, Set<String> chatOnlyNames) {
        this.routers = List.copyOf(routers);
        this.chatOnlyNames = Set.copyOf(chatOnlyNames);
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        if (exchange.plan().isPresent()) { // planned upstream, e.g. one part of a decomposed request
            exchange.context().set(Attributes.ROUTE_PLAN, exchange.plan().get());
            return next.proceed(exchange);
        }
        var plan = plan(exchange);
        if (plan.isPresent()) {
            exchange.context().set(Attributes.ROUTE_PLAN, plan.get());
            // A configured router's decision is named on the response, as the utility router names its own.
            if (!plan.get().router().equals(ModelGroupRouter.NAME)) {
                exchange.context().header("x-switchboard-route", headerText(plan.get().router() + ": " + plan.get().rationale()));
            }
            // A scoring router counted this very prompt: the fallback stage's context checks take its count.
            plan.get().decision().ifPresent(d -> TokenEstimate.counted(exchange, d.promptTokens()));
            return next.proceed(exchange.withPlan(plan.get()));
        }
        String model = exchange.request().model();
        if (!exchange.isChat() && chatOnlyNames.contains(model)) {
            throw new GatewayException.Unsupported("'" + model + "' routes chat requests to other models and makes no "
                    + "embeddings: ask for an embedding model (model_info.mode: embedding) by its own name.", "model");
        }
        throw GatewayException.NotFound.model(model);
    }

    /** The first plan a router makes for the request, as a call would get it; nothing is called (the dry run). */
    public Optional<RoutePlan> plan(Exchange exchange) {
        for (Router router : routers) {
            var plan = router.route(exchange);
            if (plan.isPresent()) return plan;
        }
        return Optional.empty();
    }

    /** Header values are ASCII: the rationale's arrows become ASCII ones and anything else outside it a '?'. */
    static String headerText(String text) {
        String ascii = text.replace("→", "->").replace("≥", ">=").replace("≤", "<=");
        StringBuilder sb = new StringBuilder(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    public static RoutePlan planOf(Exchange exchange) {
        return exchange.plan().orElseThrow(() -> new IllegalStateException("route stage did not run"));
    }
}
