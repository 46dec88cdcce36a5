package io.syncsqlite.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which file on disk a database is, as opposed to what it holds: a copy (cp, {@code VACUUM INTO}, a restore that
 * writes a new file) holds the same bytes in a different file. On Unix this is the inode number (kept by renames and
 * moves within a file system, new for every copy); where there is none (Windows) the file's creation time, which a
 * copy does not keep either. The device number is left out on purpose: it changes when a share or disk is mounted
 * again, which would make every remount look like a copy.
 */
final class FileIdentity {
    private FileIdentity() {
    }

    /** The identity of {@code file}, or {@code null} when the file system offers none (nothing is then compared). */
    static String of(Path file) {
        try {
            Object inode = Files.getAttribute(file, "unix:ino");
            if (inode != null) return "ino:" + inode;
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // not a Unix file system: fall back to the creation time
        }
        try {
            return "created:" + Files.readAttributes(file, BasicFileAttributes.class).creationTime().toMillis();
        } catch (IOException e) {
            return null;
        }
    }
}
