package dev.switchboard.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.GatewayException;
import org.junit.jupiter.api.Test;

class ExchangeContextTest {
    private static final GatewayException SHUTDOWN =
            new GatewayException.Overloaded("shutting down", null, GatewayException.Overloaded.SHUTDOWN);

    /** A cut before the outcome is recorded is the outcome, whatever failure it caused (an interrupted read). */
    @Test
    void aCutBeforeTheOutcomeIsRecordedIsTheOutcome() {
        ExchangeContext context = new ExchangeContext();

        assertThat(context.cut(SHUTDOWN)).isTrue();
        assertThat(context.cut(SHUTDOWN)).isTrue();
        assertThat(context.settle()).containsSame(SHUTDOWN);
        assertThat(context.cutReason()).containsSame(SHUTDOWN);
        assertThat(SHUTDOWN.code()).hasValue("gateway_shutdown");
        assertThat(SHUTDOWN.status()).isEqualTo(503);
    }

    /** An exchange whose outcome is recorded is as good as done: a later cut does not take. */
    @Test
    void aCutAfterTheOutcomeIsRecordedDoesNotTake() {
        ExchangeContext context = new ExchangeContext();

        assertThat(context.settle()).isEmpty();
        assertThat(context.cut(SHUTDOWN)).isFalse();
        assertThat(context.cutReason()).isEmpty();
    }

    /** A part's exchange is cut with the request it belongs to, and on its own without cutting the request. */
    @Test
    void aPartIsCutWithItsRequest() {
        ExchangeContext request = new ExchangeContext();
        ExchangeContext part = request.child();
        ExchangeContext other = request.child();

        GatewayException closed = new GatewayException.ClientClosed();
        assertThat(part.cut(closed)).isTrue();
        assertThat(part.cutReason()).containsSame(closed);
        assertThat(request.cutReason()).isEmpty();
        assertThat(other.cutReason()).isEmpty();

        assertThat(request.cut(SHUTDOWN)).isTrue();
        assertThat(other.cutReason()).containsSame(SHUTDOWN);
        assertThat(part.cutReason()).as("its own cut came first").containsSame(closed);
    }
}
