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

/** Asks the routers in order for a plan; the first that handles the model wins. Unknown model: 404. */
public final class RouteStage implements Stage {
    private final List<Router> routers;

    public RouteStage(List<Router> routers) {
        this.routers = List.copyOf(routers);
    }

    @Override
    public Reply apply(Exchange exchange, Chain next) {
        if (exchange.plan().isPresent()) { // planned upstream, e.g. one part of a decomposed request
            exchange.context().set(Attributes.ROUTE_PLAN, exchange.plan().get());
            return next.proceed(exchange);
        }
        for (Router router : routers) {
            var plan = router.route(exchange);
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
        }
        throw GatewayException.NotFound.model(exchange.request().model());
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
