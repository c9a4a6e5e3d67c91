package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LoggingTest {
    @Test
    void theAccessLoggersSetupSurvivesGarbageCollection() throws InterruptedException {
        Logging.configure();
        // The log manager holds loggers weakly: collect until a throwaway object is gone, so a logger nothing
        // else holds would be gone too.
        WeakReference<Object> probe = new WeakReference<>(new Object());
        for (int i = 0; i < 50 && probe.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(probe.get()).isNull();
        Logger access = Logger.getLogger("switchboard.access");
        assertThat(access.getUseParentHandlers()).as("access lines stay off stderr").isFalse();
        assertThat(access.getHandlers()).hasSize(1);
        assertThat(Logger.getLogger("io.helidon").getLevel()).isEqualTo(Level.WARNING);
    }
}
