package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Room for request bodies: taken up to the bound, waited for briefly, refused with a 503 past the wait. */
class BodyBudgetTest {
    private final BodyBudget budget = new BodyBudget(10 * 1024, Duration.ofMillis(200));

    @Test
    void bodiesUpToTheBoundAreTakenAndOnePastItIsRefusedAfterTheWait() {
        int first = budget.take(6 * 1024);
        int second = budget.take(4 * 1024);
        assertThat(first + second).isEqualTo(10);
        long start = System.nanoTime();
        assertThatThrownBy(() -> budget.take(1)).isInstanceOf(GatewayException.Overloaded.class)
                .hasMessageContaining("(switchboard.server.max-buffered-body-bytes)")
                .satisfies(e -> assertThat(((GatewayException.Overloaded) e).status()).isEqualTo(503));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it waited first").isGreaterThanOrEqualTo(Duration.ofMillis(150));
        budget.give(second);
        assertThat(budget.take(4 * 1024)).isEqualTo(4);
    }

    @Test
    void aWaitingBodyGetsInWhenAnotherRequestEnds() throws Exception {
        int held = budget.take(10 * 1024);
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> budget.take(2 * 1024));
        Thread.sleep(50);
        assertThat(waiting).isNotDone();
        budget.give(held);
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void anEmptyBodyTakesNothingAndABodyLargerThanTheWholeBudgetTakesAllOfIt() {
        assertThat(budget.take(0)).isZero();
        assertThat(budget.take(1 << 30)).as("max-body-bytes <= the budget is checked at start; all of it, not more").isEqualTo(10);
    }
}
