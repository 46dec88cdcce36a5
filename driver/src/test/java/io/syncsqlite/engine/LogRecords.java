package io.syncsqlite.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one logger receives while a test runs, through {@code java.util.logging}: where {@link System.Logger}
 * goes when the application configured nothing else, as in these tests.
 */
public final class LogRecords extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level previous;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogRecords(String name) {
        this.logger = Logger.getLogger(name);
        this.previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** Starts recording what {@code name} (the logger of {@link SyncLog} by default) logs. */
    public static LogRecords of(String name) {
        return new LogRecords(name);
    }

    public static LogRecords ofSync() {
        return of(SyncLog.NAME);
    }

    /** The messages logged at {@code level} so far, formatted. */
    public List<String> at(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(r -> new java.util.logging.SimpleFormatter().formatMessage(r)).toList();
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
