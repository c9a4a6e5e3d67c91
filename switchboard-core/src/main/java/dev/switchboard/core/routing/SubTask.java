package dev.switchboard.core.routing;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * One part of a split prompt.
 *
 * @param text the part as it will be sent, shared context and attached material included
 * @param order 0-based position in the prompt; answers are merged in this order
 * @param dependsOn the order of the part whose answer this part needs; it must run after that part and
 *     receive its answer. Empty for independent parts, which may run in parallel.
 * @param explanation why the prompt was split here and how this part relates to the others
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SubTask(String text, int order, Optional<Integer> dependsOn, String explanation) {
    public boolean independent() {
        return dependsOn.isEmpty();
    }
}
