package io.syncsqlite.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.core.DB;

/**
 * Refuses a write once the database file was moved or deleted since the connection opened, with the error plain
 * xerial gives ({@code SQLITE_READONLY_DBMOVED}). SQLite checks this itself when a write opens a rollback journal;
 * in WAL mode, which the driver uses, it does not, and the write would go on into a file nobody reaches any more by
 * its name (its WAL keeping the old name beside it).
 */
final class MovedFileCheck {
    private final Path file;
    /** The file's identity when the connection opened (device and inode on Unix), {@code null} where the system has none. */
    private final Object opened;

    private MovedFileCheck(Path file, Object opened) {
        this.file = file;
        this.opened = opened;
    }

    /**
     * The check for {@code file} as it is now; one that never refuses for {@code null} (an in-memory database, or a journal
     * mode the application named, where SQLite behaves as on plain xerial) or a system without file keys.
     */
    static MovedFileCheck of(Path file) {
        return new MovedFileCheck(file, file == null ? null : key(file));
    }

    /** Throws what SQLite throws in rollback-journal mode when the file was moved or deleted since it opened. */
    void beforeWrite() throws SQLException {
        if (opened == null || opened.equals(key(file))) return;
        throw DB.newSQLException(SQLiteErrorCode.SQLITE_READONLY_DBMOVED.code, "attempt to write a readonly database");
    }

    private static Object key(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException gone) {
            return gone.getClass(); // moved away or deleted: never equal to a file key
        }
    }
}
