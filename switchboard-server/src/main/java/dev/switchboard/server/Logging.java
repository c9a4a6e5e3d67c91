package dev.switchboard.server;

import dev.switchboard.core.stages.AccessLog;
import java.io.PrintStream;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** One line per log record: JSON access lines to stdout as they are, everything else compact on stderr. */
final class Logging {
    /**
     * The loggers configured here, held: the LogManager keeps loggers only weakly, and one collected before its
     * first use came back unconfigured (Helidon's INFO lines showed, access lines went to stderr with a prefix).
     * Set in {@link #configure()}, not on class initialization, which {@link #installManager()} must precede.
     */
    private static Logger helidon;
    private static Logger access;
    private static Logger lettuce;

    private Logging() {}

    /**
     * Makes {@link KeptHandlers} the JVM's LogManager. Must run before anything logs: the JDK reads the property
     * once, when the LogManager is first used.
     */
    static void installManager() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", KeptHandlers.class.getName());
        }
    }

    static void configure() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler err = new ConsoleHandler();
        err.setLevel(Level.INFO);
        err.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String thrown = r.getThrown() == null ? "" : " " + r.getThrown();
                return r.getLevel() + " " + r.getLoggerName() + ": " + formatMessage(r) + thrown + System.lineSeparator();
            }
        });
        root.addHandler(err);
        root.setLevel(Level.INFO);
        helidon = Logger.getLogger("io.helidon");
        helidon.setLevel(Level.WARNING);
        // The Redis client warns on every reconnect attempt; SharedState says once that Redis went and once that it is back.
        lettuce = Logger.getLogger("io.lettuce");
        lettuce.setLevel(Level.SEVERE);

        access = AccessLog.LOGGER;
        access.setUseParentHandlers(false);
        Handler out = new StreamHandler(new PrintStream(System.out, true), new Formatter() {
            @Override
            public String format(LogRecord r) {
                return r.getMessage() + System.lineSeparator();
            }
        }) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        access.addHandler(out);
        if (LogManager.getLogManager() instanceof KeptHandlers kept) kept.keep();
    }

    /**
     * For a command whose standard output is its report ({@code demo}): no access lines, and only warnings and errors
     * (on stderr) from everything else. Call after {@link #configure()}.
     */
    static void warningsOnly() {
        Logger.getLogger("").setLevel(Level.WARNING);
        AccessLog.LOGGER.setLevel(Level.OFF);
    }

    /**
     * A LogManager whose handlers stay once configured. The JDK's resets every handler from a shutdown hook of its
     * own, which runs alongside the gateway's: what the graceful shutdown logged (the grace period ending, the
     * access lines of requests finishing in it) was lost. Handlers here flush every record, so none is left unwritten.
     */
    public static final class KeptHandlers extends LogManager {
        private volatile boolean kept;

        void keep() {
            kept = true;
        }

        @Override
        public void reset() {
            if (!kept) super.reset();
        }
    }
}
