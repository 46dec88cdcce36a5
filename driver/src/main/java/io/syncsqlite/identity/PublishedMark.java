package io.syncsqlite.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A small file beside the database ({@code <db>-syncsqlite.id}) saying how many batches the database has published
 * under which site. It is written after every publication, so it stays ahead of a copy of the database taken earlier:
 * a database restored from a backup in place (same file, older content) reads a count here that is higher than its
 * own, and knows it is behind what its site already published.
 *
 * @param site      the site that published
 * @param published how many batches it had published
 */
record PublishedMark(String site, long published) {
    private static final System.Logger LOG = System.getLogger(PublishedMark.class.getName());
    static final String SUFFIX = "-syncsqlite.id";

    /** The mark beside {@code db}, or {@code null} when there is none or it is unreadable (then nothing is compared). */
    static PublishedMark read(Path db) {
        Path file = fileOf(db);
        try {
            if (!Files.exists(file)) return null;
            String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            return parts.length == 2 ? new PublishedMark(parts[0], Long.parseLong(parts[1])) : null;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "unreadable " + file + ": restores of " + db + " cannot be told apart until it is rewritten", e);
            return null;
        }
    }

    /** Replaces the mark atomically; a failure only means a later restore may go unnoticed, so it is logged, not thrown. */
    void write(Path db) {
        Path file = fileOf(db);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp"); // SiteIdentity.filesBeside names it too
        try {
            Files.writeString(temp, site + " " + published + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write " + file + " (" + e.getMessage() + "): a later restore of " + db
                    + " from an older copy would not be recognised", e);
        }
    }

    static Path fileOf(Path db) {
        return db.resolveSibling(db.getFileName() + SUFFIX);
    }
}
