package dev.switchboard.core.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderCallStageTest {

    @Test
    void anHtmlPageIsNotAStream() {
        assertThat(ProviderCallStage.notAStream(Optional.of("text/html; charset=utf-8"))).hasValue("text/html; charset=utf-8");
        assertThat(ProviderCallStage.notAStream(Optional.of("Text/HTML"))).hasValue("Text/HTML");
    }

    @Test
    void streamTypesJsonAndUnlabelledBodiesAreLeftToTheDecoders() {
        assertThat(ProviderCallStage.notAStream(Optional.of("text/event-stream; charset=utf-8"))).isEmpty();
        assertThat(ProviderCallStage.notAStream(Optional.of("application/x-ndjson"))).isEmpty();
        assertThat(ProviderCallStage.notAStream(Optional.of("application/json"))).isEmpty();
        assertThat(ProviderCallStage.notAStream(Optional.empty())).isEmpty();
    }
}
