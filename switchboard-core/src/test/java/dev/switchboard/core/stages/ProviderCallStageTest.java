package dev.switchboard.core.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.spi.Framing;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderCallStageTest {

    @Test
    void anHtmlPageOrAJsonDocumentIsNotAnSseStream() {
        assertThat(ProviderCallStage.notAStream(Optional.of("text/html; charset=utf-8"), Framing.SSE)).hasValue("text/html; charset=utf-8");
        assertThat(ProviderCallStage.notAStream(Optional.of("Application/JSON"), Framing.SSE)).hasValue("Application/JSON");
        assertThat(ProviderCallStage.notAStream(Optional.of("text/html"), Framing.NDJSON)).isPresent();
    }

    @Test
    void streamTypesAndUnlabelledBodiesAreReadAsStreams() {
        assertThat(ProviderCallStage.notAStream(Optional.of("text/event-stream; charset=utf-8"), Framing.SSE)).isEmpty();
        assertThat(ProviderCallStage.notAStream(Optional.empty(), Framing.SSE)).isEmpty();
        // Some servers label JSON lines as plain JSON; for NDJSON framing that is still a stream.
        assertThat(ProviderCallStage.notAStream(Optional.of("application/json"), Framing.NDJSON)).isEmpty();
        assertThat(ProviderCallStage.notAStream(Optional.of("application/x-ndjson"), Framing.NDJSON)).isEmpty();
    }
}
