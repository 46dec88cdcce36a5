package io.syncsqlite.transport.nas;

import io.syncsqlite.ErrorText;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.spi.SyncSession;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies what one remote site published after the cursor kept for it ({@code <prefix><site>} = the last number
 * applied), one file at a time, each with its cursor in the same transaction. Only names after the cursor are
 * opened, so a round costs what is new, not what the folder or the database holds.
 * <p>
 * When the next segment is gone (compacted) or damaged and a newer snapshot exists, the snapshot is applied instead
 * and the cursor jumps to its number. A damaged file with no snapshot to replace it stops this site's progress for
 * the round with an error event naming the file; it is retried every round, and other sites go on syncing. So does
 * a file that decodes but cannot be applied here: nothing of it is applied and only its own site waits.
 */
final class Puller {
    /** Lists of a folder that lost a file to a concurrent compaction before trying again next round. */
    private static final int ATTEMPTS = 3;

    /** Suffix of the cursor key that checkpoints a snapshot being applied. */
    static final String PARTIAL = ".partial";

    private final String cursorPrefix;
    /** Problems already reported, so a file that stays damaged raises one event rather than one per round. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    Puller(String cursorPrefix) {
        this.cursorPrefix = cursorPrefix;
    }

    void pull(SyncSession session, String site, Path folder) throws Exception {
        String key = cursorPrefix + site;
        long cursor = Long.parseLong(session.cursor(key).orElse("0"));
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                catchUp(session, site, folder, key, cursor);
                return;
            } catch (NoSuchFileException e) {
                // the writer compacted between our listing and our read: list again and follow its snapshot
                cursor = Long.parseLong(session.cursor(key).orElse("0"));
            }
        }
    }

    private void catchUp(SyncSession session, String site, Path folder, String key, long cursor) throws Exception {
        SiteListing listing = SiteListing.of(folder);
        while (true) {
            SegmentName next = SegmentName.changes(cursor + 1);
            Optional<SegmentName> snapshot = listing.snapshotAfter(cursor);
            if (listing.contains(next)) {
                Path file = folder.resolve(next.fileName());
                try {
                    cursor = apply(session, site, file, next, key);
                    continue;
                } catch (SQLException e) {
                    reportOnce(session, notApplied(file, site, e), e);
                    return;
                } catch (CorruptSegmentException e) {
                    if (snapshot.isEmpty()) {
                        reportOnce(session, e.getMessage() + "; site " + site + " is not synced past it until it is readable or replaced by a snapshot", e);
                        return;
                    }
                    reportOnce(session, e.getMessage() + "; continuing from " + snapshot.get(), e);
                }
            }
            if (snapshot.isPresent()) {
                Path file = folder.resolve(snapshot.get().fileName());
                try {
                    cursor = apply(session, site, file, snapshot.get(), key);
                    continue;
                } catch (SQLException e) {
                    reportOnce(session, notApplied(file, site, e), e);
                    return;
                } catch (CorruptSegmentException e) {
                    reportOnce(session, e.getMessage() + "; site " + site + " is not synced past it until it is readable", e);
                    return;
                }
            }
            Optional<SegmentName> later = listing.changesAfter(cursor);
            if (later.isPresent()) {
                reportOnce(session, "segment " + folder.resolve(next.fileName()) + " is missing but " + later.get()
                        + " exists and no snapshot covers the gap; site " + site + " is not synced past " + cursor + " until it appears", null);
            }
            return;
        }
    }

    /** Applies every changeset of the file; the cursor moves with the last one. Returns the new cursor. */
    private long apply(SyncSession session, String site, Path file, SegmentName name, String key) throws Exception {
        Segment segment = Segment.read(file, site, name);
        session.countBytes(0, segment.size()); // read whole to verify it, whatever applying it then does
        // a snapshot in several changesets records how many it applied with each, so an interrupted bootstrap goes on
        // where it stopped (the checkpoint names the file: a newer snapshot starts from its beginning)
        String partialKey = key + PARTIAL;
        Map<String, String> cursor = Map.of(key, Long.toString(name.seq()), partialKey, "");
        if (segment.frames() == 0) {
            session.apply(new Changeset(site, List.of()), cursor);
        } else {
            int from = Math.min(framesDone(session.cursor(partialKey).orElse(""), name), segment.frames() - 1);
            int[] index = {from};
            segment.forEach(from, (cs, last) -> {
                int applied = ++index[0];
                session.apply(cs, last ? cursor : Map.of(partialKey, name.fileName() + ":" + applied));
            });
        }
        String fileName = file.toString();
        reported.removeIf(r -> r.contains(fileName));
        return name.seq();
    }

    /** Changesets of {@code name} applied before an interruption, from a checkpoint {@code <file name>:<count>}. */
    private static int framesDone(String checkpoint, SegmentName name) {
        String prefix = name.fileName() + ":";
        if (!checkpoint.startsWith(prefix)) return 0;
        try {
            return Math.max(0, Integer.parseInt(checkpoint.substring(prefix.length())));
        } catch (NumberFormatException e) {
            return 0; // unreadable: applying again from the start changes nothing, it only takes longer
        }
    }

    /** A file that decoded but could not be applied here (nothing of it was): only its own site waits. */
    private static String notApplied(Path file, String site, SQLException e) {
        return "segment " + file + " could not be applied (" + ErrorText.of(e) + "); site " + site
                + " is not synced past it, it is retried every round";
    }

    /** Reports that a whole site folder could not be read this round; the other sites are read all the same. */
    void siteFailed(SyncSession session, String site, Path folder, Exception e) {
        reportOnce(session, "site " + site + " (" + folder + ") was not read this round: " + ErrorText.of(e) + "; other sites go on syncing", e);
    }

    private void reportOnce(SyncSession session, String message, Exception cause) {
        if (reported.add(message)) session.report(SyncEvent.error(message, cause));
    }
}
