package dev.switchboard.core.stages;

import dev.switchboard.core.pipeline.Exchange;
import dev.switchboard.core.pipeline.RoutePlan;
import java.util.Optional;

/** Decides where a request goes. A router that does not handle the requested model answers empty. */
@FunctionalInterface
public interface Router {
    Optional<RoutePlan> route(Exchange exchange);

    /** Whether every chat request for {@code model} gets a plan here, so a chain of routers for it never runs out. */
    default boolean answersEveryChat(String model) {
        return false;
    }
}
