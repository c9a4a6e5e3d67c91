package dev.switchboard.core.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The warnings a class logs while an action runs: what a user reads at start-up. */
final class Warnings {
    private Warnings() {}

    static List<String> loggedBy(Class<?> source, Runnable action) {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(source.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) warnings.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(capture);
        try {
            action.run();
        } finally {
            log.removeHandler(capture);
        }
        return warnings;
    }
}
