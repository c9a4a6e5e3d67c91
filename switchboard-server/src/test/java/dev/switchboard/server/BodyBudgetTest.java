package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.GatewayException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Room for request bodies and answers: taken up to the bound, waited for briefly, refused with a 503 past the wait. */
class BodyBudgetTest {
    private final BodyBudget budget = new BodyBudget(10 * 1024, Duration.ofMillis(200));

    @Test
    void bodiesUpToTheBoundAreTakenAndOnePastItIsRefusedAfterTheWait() {
        int first = budget.take(6 * 1024);
        int second = budget.take(4 * 1024);
        assertThat(first + second).isEqualTo(10);
        long start = System.nanoTime();
        assertThatThrownBy(() -> budget.take(1)).isInstanceOf(GatewayException.BuffersFull.class).hasMessageContaining("limit of 10240 bytes")
                .hasMessageContaining("(switchboard.server.max-buffered-body-bytes)")
                .satisfies(e -> assertThat(((GatewayException) e).status()).isEqualTo(503))
                .satisfies(e -> assertThat(((GatewayException) e).retryAfterSeconds()).hasValue(1))
                .satisfies(e -> assertThat(((GatewayException) e).retryable()).as("never retried upstream").isFalse());
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
    void anEmptyBodyTakesNothingAndABodyLargerThanTheBudgetTakesMostOfIt() {
        assertThat(budget.take(0)).isZero();
        assertThat(budget.take(1 << 30)).as("seven eighths of it, rounded up, and no more").isEqualTo(9);
        assertThat(budget.take(1024)).as("the rest stays for small bodies").isEqualTo(1);
    }

    /** A request holding room (its body) that then reads an answer larger than the budget runs alone, not never. */
    @Test
    void aRequestIsNeverMadeToWaitForMoreThanTheWholeBudget() {
        int body = budget.take(1024);
        assertThat(budget.take(1 << 30, body)).isEqualTo(8);
        assertThat(budget.take(1024, 9)).as("a request holding all it may takes nothing more").isZero();
    }

    /** Room freed while a newcomer waits for more than there is goes first to a request already holding some. */
    @Test
    void aRequestAlreadyHoldingRoomGoesAheadOfOneWaitingToStart() throws Exception {
        int first = budget.take(6 * 1024);
        CompletableFuture<Integer> newcomer = CompletableFuture.supplyAsync(() -> budget.take(8 * 1024));
        Thread.sleep(50);
        long start = System.nanoTime();
        assertThat(budget.take(2 * 1024, first)).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("without waiting").isLessThan(Duration.ofMillis(150));
        assertThat(newcomer).isNotDone();
        budget.give(first + 2);
        assertThat(newcomer.get(5, TimeUnit.SECONDS)).isEqualTo(8);
    }
}
