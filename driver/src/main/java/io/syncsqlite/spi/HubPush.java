package io.syncsqlite.spi;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushing local changes to a hub, whatever the protocol (HTTP request or WebSocket message): in parts of bounded size
 * that never split a row, halving a part the hub finds too large, and reporting (not retrying forever) a part whose
 * content the hub refuses, so later changes are not stuck behind it.
 */
public final class HubPush {
    private HubPush() {
    }

    /** Sends one part to the hub under {@code batch}; returns true when the hub answers that it had already applied it. */
    @FunctionalInterface
    public interface Sender {
        boolean send(Changeset part, String batch) throws Exception;
    }

    /** The hub refused a part's content (malformed 400, too large 413, not admissible 422): resending it cannot succeed. */
    public static final class Refused extends Exception {
        private final int status;

        public Refused(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** True for the statuses that say the content itself is refused. */
        public static boolean isContentStatus(int status) {
            return status == 400 || status == 413 || status == 422;
        }
    }

    /** Where a replica is in a hub's history: the hub's epoch and sequence, stored as {@code epoch:seq}. */
    public record Cursor(String epoch, long seq) {
        public static Cursor parse(String s) {
            int colon = s.lastIndexOf(':');
            try {
                return new Cursor(s.substring(0, colon), Long.parseLong(s.substring(colon + 1)));
            } catch (RuntimeException e) {
                return new Cursor("unknown", 0); // unreadable: treated as another history, so everything is re-read
            }
        }

        @Override
        public String toString() {
            return epoch + ":" + seq;
        }
    }

    /** Pushes {@code cs} in parts of at most {@code maxChanges} changes, never splitting a row; {@code hub} names it in events. */
    public static void pushAll(SyncSession session, String hub, Changeset cs, String batch, int maxChanges, Sender sender) throws Exception {
        List<Changeset> parts = rowAlignedParts(cs, maxChanges);
        for (int i = 0; i < parts.size(); i++) push(session, hub, parts.get(i), batch + "." + i, sender);
    }

    private static void push(SyncSession session, String hub, Changeset part, String batch, Sender sender) throws Exception {
        try {
            if (sender.send(part, batch)) session.report(SyncEvent.progress("hub " + hub + " had already applied batch " + batch + " (a retried push)"));
        } catch (Refused e) {
            List<Changeset> halves = rowAlignedParts(part, (part.size() + 1) / 2);
            if (e.status() == 413 && halves.size() > 1) {
                for (int i = 0; i < halves.size(); i++) push(session, hub, halves.get(i), batch + "." + i, sender);
                return;
            }
            // the hub will never take these changes: report them and move on, so later changes are not stuck behind
            // them; they stay in the local database and go out again when those rows change
            session.report(SyncEvent.error("hub refused " + part.size() + " local changes of batch " + batch + " for good: " + e.getMessage(), e));
        }
    }

    /** Sends every version this replica wrote, so a hub that lost them (restored, re-created) has them again. */
    public static void republish(SyncSession session, String hub, int maxChanges, Sender sender) throws Exception {
        List<Changeset> chunks = new ArrayList<>();
        // collected first: the snapshot holds a read transaction, and network I/O never happens inside a session call
        session.snapshot(true, maxChanges, chunks::add);
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < chunks.size(); i++) pushAll(session, hub, chunks.get(i), "snap-" + run + "-" + i, maxChanges, sender);
    }

    /** {@code cs} cut into parts of at most {@code max} changes (more only for one row), never splitting a row. */
    public static List<Changeset> rowAlignedParts(Changeset cs, int max) {
        List<Changeset> parts = new ArrayList<>();
        List<Change> current = new ArrayList<>();
        Change previous = null;
        for (Change c : cs.changes()) {
            boolean sameRow = previous != null && previous.table().equals(c.table()) && previous.pk().equals(c.pk());
            if (!sameRow && current.size() >= max) {
                parts.add(new Changeset(cs.origin(), current));
                current = new ArrayList<>();
            }
            current.add(c);
            previous = c;
        }
        if (!current.isEmpty()) parts.add(new Changeset(cs.origin(), current));
        return parts;
    }
}
