package io.syncsqlite.metrics;

import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.merge.ChangeExtractor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic and backlog counters of one database file's sync engine, shown by {@code SyncConnection.status()}, the
 * JMX MBean and Micrometer. Counters add up from the engine's start; the backlog is counted on the engine's own
 * connection after every round (successful or not), so reading a metric never touches the database.
 */
public final class FileMetrics {
    private final LongAdder changesSent = new LongAdder();
    private final LongAdder changesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private volatile long unpublished;
    private volatile long conflicts;

    public void sent(long changes) {
        changesSent.add(changes);
    }

    public void received(long changes) {
        changesReceived.add(changes);
    }

    /** Bytes a transport sent and received on the wire (or wrote to and read from a shared folder). */
    public void bytes(long sent, long received) {
        bytesSent.add(sent);
        bytesReceived.add(received);
    }

    /** Counts the unpublished changes and the kept conflicts on {@code c}, which has the driver's metadata. */
    public void countBacklog(Connection c) throws SQLException {
        unpublished = count(c, "SELECT count(*) FROM " + MetaTables.OUTBOX + " WHERE tbl <> " + ChangeExtractor.HIGH_WATER);
        conflicts = count(c, "SELECT count(*) FROM " + MetaTables.CONFLICTS);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    public long unpublished() {
        return unpublished;
    }

    public long conflicts() {
        return conflicts;
    }

    public long changesSent() {
        return changesSent.sum();
    }

    public long changesReceived() {
        return changesReceived.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }
}
