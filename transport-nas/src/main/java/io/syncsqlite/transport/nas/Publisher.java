package io.syncsqlite.transport.nas;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.identity.RestoredCopyException;
import io.syncsqlite.merge.LocalBatch;
import io.syncsqlite.spi.SyncSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongFunction;

/**
 * Publishes this replica's changes into its own site folder, one immutable segment per batch, and compacts the
 * folder: every {@code compactEvery} segments it writes a snapshot of its own current versions and removes the
 * files the snapshot replaces. Only this replica writes to its folder.
 * <p>
 * The last number used is kept in the database ({@code <prefix>self.<site>}); a folder holding higher numbers of this
 * site means the database is a restored copy (see {@link #recover}). When the folder no longer holds the last file
 * published (the share was wiped or restored from an older backup) the replica publishes a full snapshot under a new
 * number, so readers whose cursors point past the lost history still catch up.
 */
final class Publisher {
    private static final System.Logger LOG = System.getLogger(Publisher.class.getName());
    /** Changes per changeset inside a snapshot file: bounds the memory of writing and of applying one chunk. */
    private static final int SNAPSHOT_CHUNK = 20_000;
    /** Temp files older than this were left by a crashed write (no write takes this long) and are removed. */
    private static final Duration STALE_TEMP = Duration.ofMinutes(10);

    private final Path folder;
    private final String site;
    private final int compactEvery;
    private final String selfKey;
    private final String snapshotKey;
    private long self = -1;
    private long lastSnapshot;

    Publisher(Path folder, String site, int compactEvery, String cursorPrefix) {
        this.folder = folder;
        this.site = site;
        this.compactEvery = compactEvery;
        // keyed by the site: a database that becomes a new site (a copied file) starts a new folder from number 1
        this.selfKey = selfKey(cursorPrefix, site);
        this.snapshotKey = cursorPrefix + "snapshot." + site;
    }

    /** Publishes every unpublished local change, then compacts if due. */
    void publish(SyncSession session) throws IOException, SQLException {
        if (self < 0) recover(session);
        boolean historyLost = self > 0 && !Files.exists(folder.resolve(SegmentName.changes(self).fileName()))
                && !Files.exists(folder.resolve(SegmentName.snapshotAt(self).fileName()));
        for (LocalBatch batch = session.nextLocalBatch(); !batch.isEmpty(); batch = session.nextLocalBatch()) {
            LocalBatch b = batch;
            write(session, self + 1, SegmentName::changes, w -> w.append(b.changeset()));
            session.published(batch);
        }
        if (historyLost) {
            session.report(SyncEvent.error("the shared folder " + folder + " no longer holds this replica's segment " + (self)
                    + " (wiped or restored from an older copy); republishing a full snapshot", null));
            compact(session, self + 1); // numbered above every cursor a reader may hold for the lost history
        } else if (self - lastSnapshot >= compactEvery) {
            compact(session, self);
        }
    }

    /**
     * Takes the numbers in use from the database, and removes temp files of crashed writes. A folder holding files of
     * this site numbered above what the database recorded was written by a later state of this database: the database
     * is a restored copy of an older state of its site ({@link RestoredCopyException}), whatever the mark beside it
     * says, and becomes a new site. (A crash between a file's rename and the database's record of it looks alike; the
     * database then becomes a new site too, which loses nothing: the file's changes are still in its outbox.)
     */
    private void recover(SyncSession session) throws IOException, SQLException {
        long stored = Long.parseLong(session.cursor(selfKey).orElse("0"));
        checkNotRestored(folder, stored);
        self = stored;
        lastSnapshot = Long.parseLong(session.cursor(snapshotKey).orElse("0"));
        Instant staleBefore = Instant.now().minus(STALE_TEMP);
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(folder, SegmentWriter.TEMP_PREFIX + "*")) {
            for (Path t : temps) {
                FileTime modified = Files.getLastModifiedTime(t);
                if (modified.toInstant().isBefore(staleBefore)) Files.deleteIfExists(t);
            }
        }
    }

    /** The cursor that holds the number of the last segment of {@code site} this database published. */
    static String selfKey(String cursorPrefix, String site) {
        return cursorPrefix + "self." + site;
    }

    /**
     * Throws {@link RestoredCopyException} when {@code folder} (a site's own folder; absent counts as empty) holds
     * segments numbered above {@code stored}, the last number the database recorded: a later state of the database
     * wrote them.
     */
    static void checkNotRestored(Path folder, long stored) throws IOException, RestoredCopyException {
        if (!Files.isDirectory(folder)) return;
        long highest = SiteListing.of(folder).highest();
        if (highest > stored) {
            throw new RestoredCopyException("the shared folder holds segments of this site up to " + highest + " in " + folder
                    + ", the database knows of " + stored);
        }
    }

    /** What goes into one segment file. */
    private interface SegmentBody {
        void write(SegmentWriter w) throws IOException, SQLException;
    }

    /**
     * Writes a segment numbered {@code first}. A name already taken (another writer of this site folder got there
     * first) is never replaced: the number is skipped, reported, and the next free one used.
     */
    private void write(SyncSession session, long first, LongFunction<SegmentName> kind, SegmentBody body) throws IOException, SQLException {
        for (long seq = first; ; seq = self + 1) {
            SegmentName name = kind.apply(seq);
            try (SegmentWriter w = new SegmentWriter(folder, site, name)) {
                body.write(w);
                session.countBytes(w.commit(), 0);
            } catch (FileAlreadyExistsException e) {
                session.report(SyncEvent.error("segment " + folder.resolve(name.fileName()) + " was already published by another writer of site "
                        + site + "; it is left as it is and these changes go out under a later number", e));
                advance(session, Math.max(name.seq(), SiteListing.of(folder).highest()));
                continue;
            }
            advance(session, name.seq());
            return;
        }
    }

    private void advance(SyncSession session, long seq) throws SQLException {
        session.saveCursor(selfKey, Long.toString(seq));
        self = seq;
    }

    /**
     * Writes a snapshot numbered {@code at} ({@link #self}, or the next free number; everything published so far is in the database, so the snapshot holds
     * all of it that is still current), then removes the files it replaces. A reader that listed the folder before the
     * removal and then misses a file lists again and continues from the snapshot.
     */
    private void compact(SyncSession session, long at) throws IOException, SQLException {
        long[] changes = {0};
        write(session, at, SegmentName::snapshotAt, w -> {
            changes[0] = 0;
            try {
                session.snapshot(true, SNAPSHOT_CHUNK, cs -> {
                    try {
                        w.append(cs);
                        changes[0] += cs.size();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        });
        SegmentName name = SegmentName.snapshotAt(self);
        session.saveCursor(snapshotKey, Long.toString(self));
        lastSnapshot = self;
        int removed = 0;
        for (SegmentName old : SiteListing.of(folder).replacedBy(name)) {
            try {
                if (Files.deleteIfExists(folder.resolve(old.fileName()))) removed++;
            } catch (IOException e) {
                // e.g. SMB refuses to delete a file a reader has open; the next compaction removes it
                LOG.log(System.Logger.Level.DEBUG, "could not remove replaced segment " + old + " yet", e);
            }
        }
        session.report(SyncEvent.progress("compacted " + folder + ": snapshot " + name + " (" + changes[0] + " changes) replaces " + removed + " older files"));
    }
}
