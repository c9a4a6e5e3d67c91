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
     * The loggers configured here, held strongly: the log manager keeps loggers only weakly, and one collected
     * before its first use comes back without the handler or level set here (access lines then went to stderr).
     */
    private static final Logger ACCESS = AccessLog.LOGGER;
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    private Logging() {}

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
        HELIDON.setLevel(Level.WARNING);

        ACCESS.setUseParentHandlers(false);
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
        ACCESS.addHandler(out);
    }
}
