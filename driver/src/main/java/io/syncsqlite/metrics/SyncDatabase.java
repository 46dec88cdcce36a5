package io.syncsqlite.metrics;

import io.syncsqlite.SyncStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/** The MBean of one database file: every attribute read from a fresh {@link SyncStatus}. */
final class SyncDatabase implements SyncDatabaseMBean {
    private final Path file;
    private final Supplier<SyncStatus> status;

    SyncDatabase(Path file, Supplier<SyncStatus> status) {
        this.file = file;
        this.status = status;
    }

    @Override
    public String getFile() {
        return file.toString();
    }

    @Override
    public String getState() {
        return status.get().state().name();
    }

    @Override
    public String getTransport() {
        return status.get().transport();
    }

    @Override
    public long getUnpublishedChanges() {
        return status.get().unpublished();
    }

    @Override
    public long getPendingChanges() {
        return status.get().pending();
    }

    @Override
    public long getDeadLetters() {
        return status.get().deadLetters();
    }

    @Override
    public long getConflicts() {
        return status.get().conflicts();
    }

    @Override
    public long getChangesSent() {
        return status.get().changesSent();
    }

    @Override
    public long getChangesReceived() {
        return status.get().changesReceived();
    }

    @Override
    public long getBytesSent() {
        return status.get().bytesSent();
    }

    @Override
    public long getBytesReceived() {
        return status.get().bytesReceived();
    }

    @Override
    public long getRounds() {
        return status.get().rounds();
    }

    @Override
    public String getLastSuccessfulRound() {
        SyncStatus s = status.get();
        return s.lastSuccess() == null ? null : s.lastSuccess().toString();
    }

    @Override
    public double getLagSeconds() {
        Duration lag = status.get().lag();
        return lag == null ? -1 : lag.toNanos() / 1e9;
    }

    @Override
    public String getLastError() {
        return status.get().lastError();
    }
}
