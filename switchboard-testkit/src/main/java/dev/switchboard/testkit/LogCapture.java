package dev.switchboard.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The records a logger publishes at or above a level while this is open: what a user would read in the log. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final Level level;

    public LogCapture(Logger logger, Level level) {
        this.logger = logger;
        this.level = level;
        logger.addHandler(this);
    }

    /** Captures what the logger named after {@code source} publishes at or above {@code level}. */
    public static LogCapture of(Class<?> source, Level level) {
        return new LogCapture(Logger.getLogger(source.getName()), level);
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages of the records at exactly {@code level}, in order. */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= level.intValue()) records.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
