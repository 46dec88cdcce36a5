package io.syncsqlite.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The right to sync one database file, held by at most one engine across all processes: an OS lock on a file beside
 * the database ({@code <db>-syncsqlite.lock}). The operating system drops the lock when its holder exits or is killed,
 * so a crashed holder cannot keep it; another process's engine takes over at its next round. Engines without the
 * lease only wait: their process's writes are captured into the shared database and published by the holder.
 */
public final class EngineLease implements AutoCloseable {
    static final String SUFFIX = "-syncsqlite.lock";

    private final Path file;
    private FileChannel channel;
    private FileLock lock;

    EngineLease(Path database) {
        this.file = fileOf(database);
    }

    /** The lease file of {@code database}. */
    public static Path fileOf(Path database) {
        return database.resolveSibling(database.getFileName() + SUFFIX);
    }

    /** Whether an engine (of any process, this one included) holds the lease of {@code database} now. */
    public static boolean isHeld(Path database) {
        Path file = fileOf(database);
        if (!java.nio.file.Files.exists(file)) return false;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) return true;
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false; // the file went away meanwhile: nobody holds it
        }
    }

    /** True if this engine holds the lease, taking it now if no other holder (in any process) has it. */
    synchronized boolean tryAcquire() throws IOException {
        if (lock != null && lock.isValid()) return true;
        if (channel == null) channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // another engine of this JVM holds it (it is about to stop, or the file has two names)
        }
        return lock != null;
    }

    synchronized boolean held() {
        return lock != null && lock.isValid();
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            if (channel != null) channel.close(); // releases the lock
        } catch (IOException ignored) {
            // closing a lock file cannot lose data; the OS releases the lock with the process at the latest
        }
        channel = null;
        lock = null;
    }
}
