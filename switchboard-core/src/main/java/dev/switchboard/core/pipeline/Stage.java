package dev.switchboard.core.pipeline;

/** One step of the request pipeline. Calls {@code next.proceed} to go on, or answers itself. */
@FunctionalInterface
public interface Stage {
    Reply apply(Exchange exchange, Chain next);
}
