package io.syncsqlite.transport.hub;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.merge.DeadLetterStore;
import io.syncsqlite.spi.SyncSession;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushing local changes to a hub, whatever the protocol (HTTP request or WebSocket message): in parts of bounded size
 * that never split a row, keeping what the hub refuses as dead letters (halving a refused part down to the row at
 * fault), so later changes are never stuck behind a refused one and none is lost.
 */
public final class HubPush {
    private HubPush() {
    }

    /** Parts a {@link Sender} may have on their way to the hub before the first one's answer is awaited. */
    static final int PARTS_IN_FLIGHT = 4;

    /** Sends one part to the hub under {@code batch} and returns its answer. */
    @FunctionalInterface
    public interface Sender {
        Reply send(Changeset part, String batch) throws Exception;

        /**
         * Starts sending a part whose answer is awaited later, so a protocol that can carry several requests at once
         * (a WebSocket) encodes and sends the next parts while the hub stores this one. By default nothing is sent
         * until the answer is asked for.
         */
        default InFlight start(Changeset part, String batch) throws Exception {
            return () -> send(part, batch);
        }
    }

    /** A part sent (or about to be) whose answer is still to come. */
    @FunctionalInterface
    public interface InFlight {
        Reply reply() throws Exception;
    }

    /**
     * What the hub answered to a part.
     *
     * @param duplicate the hub had already applied it (a retried push)
     * @param refused   changes the hub refused one by one (their position in the part, and the hub's reason); the rest
     *                  was stored
     * @param limits    the hub's admission limits as it states them ({@code "unknown"} when it does not)
     */
    public record Reply(boolean duplicate, Map<Integer, String> refused, String limits) {
        public Reply {
            refused = Map.copyOf(refused);
        }
    }

    /** The hub refused a part's content (malformed 400, too large 413, not admissible 422): resending it cannot succeed. */
    public static final class Refused extends Exception {
        private final int status;
        private final String limits;

        public Refused(int status, String message, String limits, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.limits = limits;
        }

        public int status() {
            return status;
        }

        /** The hub's limits when it refused, or {@code "unknown"}. */
        public String limits() {
            return limits == null ? "unknown" : limits;
        }

        /** True for the statuses that say the content itself is refused. */
        public static boolean isContentStatus(int status) {
            return status == 400 || status == 413 || status == 422;
        }
    }

    /**
     * How large a push may be, as the hub states it (with the client's own cap on changes): parts stay within both.
     *
     * @param maxChanges most changes in one push
     * @param maxBytes   most bytes of one pushed changeset, encoded
     * @param limits     the hub's admission limits as it states them ({@code "unknown"} when it does not), kept with
     *                   a change set aside for not fitting, so it is offered again when they change
     */
    public record Caps(int maxChanges, long maxBytes, String limits) {
        /** Assumed of a hub that states no byte cap: below the smallest cap hubs have had. */
        public static final long DEFAULT_MAX_BYTES = 8L << 20;
        /** The envelope around the changes of a changeset: {@code {"v":1,"site":…,"changes":[…]}}. */
        static final int CHANGESET_OVERHEAD = 256;
        private static final Pattern BODY = Pattern.compile("(?:^|;)\\s*body<=(\\d{1,18})");
        private static final Pattern CHANGES = Pattern.compile("(?:^|;)\\s*changes<=(\\d{1,9})");

        /**
         * The caps a hub states in its limits ({@code …; body<=N; changes<=M}, as it sends them with every answer), within
         * the client's own {@code maxChanges}; {@link #DEFAULT_MAX_BYTES} when it states none ({@code limits} null or
         * {@code "unknown"}).
         */
        public static Caps of(String limits, int maxChanges) {
            String l = limits == null ? "unknown" : limits;
            long bytes = DEFAULT_MAX_BYTES;
            int changes = maxChanges;
            Matcher m = BODY.matcher(l);
            if (m.find()) bytes = Long.parseLong(m.group(1));
            m = CHANGES.matcher(l);
            if (m.find()) changes = (int) Math.min(changes, Long.parseLong(m.group(1)));
            return new Caps(Math.max(1, changes), bytes, l);
        }
    }

    /**
     * Recorded instead of a position while a republication after a loss is not done ({@link #republishAfterLoss}):
     * no hub holds it, so presenting it makes the hub tell again after a crash.
     */
    private static final String LOST = "lost:" + Long.MAX_VALUE;

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

    /**
     * The position the hub gave this replica's latest push ({@code seenKey}, see {@link #recordSeen}), {@code null}
     * when none. A replica presents it with its cursor: a hub that does not hold both was restored from a backup or
     * replaced. Both are needed: pushes after a restore move the sequence past a cursor into the lost history.
     */
    public static Cursor pushedSeen(SyncSession session, String seenKey) throws SQLException {
        return session.cursor(seenKey).filter(v -> !v.isEmpty()).map(Cursor::parse).orElse(null);
    }

    /**
     * Whether this replica has applied the hub's stream ({@code cursorKey}) up to the position the hub gave its latest
     * push ({@code seenKey}), in the same history. Then every site has seen what this replica holds, as far as it
     * matters here: the hub keeps the winning version of every cell, tombstones included, and streams only changes that
     * win over what it holds, so nothing written without knowledge of a delete this replica holds can reach it anymore.
     * This is {@code Transport.seenByAll} of the hub's transports.
     */
    public static boolean caughtUp(SyncSession session, String cursorKey, String seenKey) throws SQLException {
        Optional<Cursor> cursor = session.cursor(cursorKey).filter(v -> !v.isEmpty()).map(Cursor::parse);
        String seen = session.cursor(seenKey).orElse("");
        if (cursor.isEmpty() || seen.equals(LOST)) return false;
        if (seen.isEmpty()) return true;
        Cursor pushed = Cursor.parse(seen);
        return pushed.epoch().equals(cursor.get().epoch()) && pushed.seq() <= cursor.get().seq();
    }

    /**
     * Records the position the hub gave one of this replica's pushes (written with the session's next write, the
     * publication), when it is past the one recorded or of a later epoch.
     */
    public static void recordSeen(SyncSession session, String seenKey, Cursor pushed) throws SQLException {
        String recorded = session.cursor(seenKey).orElse("");
        if (recorded.equals(LOST)) return;
        Cursor before = recorded.isEmpty() ? null : Cursor.parse(recorded);
        if (before == null || pushed.seq() > before.seq() || !pushed.epoch().equals(before.epoch())) session.advanceCursor(seenKey, pushed.toString());
    }

    /**
     * Pushes every version this replica holds to a hub that lost history (restored, replaced), then forgets the
     * position of its pushes into the lost history; the replica's key block tag is presented again after the round
     * ({@link SyncSession#keyTagMayBeLost}). Until the republication is done a position no hub holds is
     * recorded (at once), so a crash on the way makes the hub tell again and the republication is repeated (harmless:
     * the hub keeps one version per cell).
     */
    public static void republishAfterLoss(SyncSession session, String hub, String seenKey, Caps caps, Sender sender) throws Exception {
        session.saveCursor(seenKey, LOST);
        session.keyTagMayBeLost();
        republish(session, hub, caps, sender);
        session.saveCursor(seenKey, "");
    }

    /**
     * Pushes {@code cs} in parts within {@code caps} (changes and encoded bytes), never splitting a row; {@code hub}
     * names it in events. A row that cannot fit in any part is not sent: its changes are kept as dead letters, offered
     * again when the hub states other limits.
     */
    public static void pushAll(SyncSession session, String hub, Changeset cs, String batch, Caps caps, Sender sender) throws Exception {
        List<Change> oversized = new ArrayList<>();
        List<Changeset> parts = sizedParts(cs, caps.maxChanges(), caps.maxBytes(), oversized);
        if (!oversized.isEmpty()) {
            List<DeadLetterStore.Refusal> refused = new ArrayList<>();
            for (Change c : oversized) {
                refused.add(new DeadLetterStore.Refusal(c, "change of table " + c.table() + (c.column() == null ? "" : " column " + c.column())
                        + " does not fit (with its row) in the " + caps.maxBytes() + " bytes hub " + hub + " accepts in one push"));
            }
            session.setAside(refused, refuser(hub), caps.limits());
        }
        List<InFlight> started = new ArrayList<>();
        // up to PARTS_IN_FLIGHT parts ahead; answers are settled in order, each part on its own as before (parts never
        // share a row, so the order the hub stores them in does not matter, and a retried round repeats their batch ids)
        for (int i = 0; i < parts.size(); i++) {
            while (started.size() < parts.size() && started.size() < i + PARTS_IN_FLIGHT) {
                int next = started.size();
                started.add(sender.start(parts.get(next), batch + "." + next));
            }
            settle(session, hub, parts.get(i), batch + "." + i, started.get(i), sender);
            started.set(i, null);
        }
    }

    /**
     * Reads the hub's list of refused changes, {@code [{"change":i,"reason":"…"}, …]}, the parser standing on its
     * opening bracket; a position outside the pushed part means a broken hub.
     */
    public static Map<Integer, String> readRefusals(JsonParser p, int pushed, String hub) throws IOException {
        Map<Integer, String> out = new TreeMap<>();
        if (p.currentToken() != JsonToken.START_ARRAY) throw new IOException("hub " + hub + " sent a list of refused changes that is not an array");
        while (p.nextToken() == JsonToken.START_OBJECT) {
            int index = -1;
            String reason = "refused by the hub";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("change") && p.currentToken() == JsonToken.VALUE_NUMBER_INT) index = p.getIntValue();
                else if (field.equals("reason")) reason = p.getText();
                else p.skipChildren();
            }
            if (index < 0 || index >= pushed) throw new IOException("hub " + hub + " refused change " + index + " of a push of " + pushed);
            out.put(index, reason);
        }
        return out;
    }

    /** Who refused, as dead letters and {@link SyncSession#limits} name it: the hub at {@code hub}. */
    public static String refuser(String hub) {
        return "hub " + hub;
    }

    /**
     * Pushes one part. A refused change never goes with its batch: changes the hub names are kept as dead letters
     * (the rest was stored), and a part refused as a whole is halved until the refusal is down to one row, whose
     * changes are kept as dead letters, so one bad change never costs the others and is never lost.
     */
    private static void push(SyncSession session, String hub, Changeset part, String batch, Sender sender) throws Exception {
        settle(session, hub, part, batch, () -> sender.send(part, batch), sender);
    }

    /** Takes the hub's answer to {@code part} (see {@link #push}). */
    private static void settle(SyncSession session, String hub, Changeset part, String batch, InFlight sent, Sender sender) throws Exception {
        try {
            Reply r = sent.reply();
            if (!r.limits().equals("unknown")) session.limits(refuser(hub), r.limits()); // what it refused before may pass now
            if (r.duplicate()) session.report(SyncEvent.progress("hub " + hub + " had already applied batch " + batch + " (a retried push)"));
            if (!r.refused().isEmpty()) {
                List<DeadLetterStore.Refusal> refused = new ArrayList<>();
                for (Map.Entry<Integer, String> e : new TreeMap<>(r.refused()).entrySet()) {
                    refused.add(new DeadLetterStore.Refusal(part.changes().get(e.getKey()), e.getValue()));
                }
                session.setAside(refused, refuser(hub), r.limits());
            }
        } catch (Refused e) {
            List<Changeset> halves = rowAlignedParts(part, (part.size() + 1) / 2);
            if (halves.size() > 1) {
                for (int i = 0; i < halves.size(); i++) push(session, hub, halves.get(i), batch + "." + i, sender);
                return;
            }
            List<DeadLetterStore.Refusal> refused = new ArrayList<>();
            for (Change c : part.changes()) refused.add(new DeadLetterStore.Refusal(c, e.getMessage()));
            session.setAside(refused, refuser(hub), e.limits());
        }
    }

    /**
     * Sends every version this replica holds, its own and those it received, so a hub that lost them (restored,
     * re-created) has them again: the replica that wrote a version may never come back.
     */
    public static void republish(SyncSession session, String hub, Caps caps, Sender sender) throws Exception {
        List<Changeset> chunks = new ArrayList<>();
        // collected first: the snapshot holds a read transaction, and network I/O never happens inside a session call
        session.snapshot(false, caps.maxChanges(), chunks::add);
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < chunks.size(); i++) pushAll(session, hub, chunks.get(i), "snap-" + run + "-" + i, caps, sender);
    }

    /**
     * {@code cs} cut into parts of at most {@code maxChanges} changes and {@code maxBytes} encoded bytes, never
     * splitting a row; a change that alone takes more than {@code maxBytes} goes to {@code oversized}, and so does
     * the rest of a row that still takes more.
     */
    static List<Changeset> sizedParts(Changeset cs, int maxChanges, long maxBytes, List<Change> oversized) {
        List<Changeset> parts = new ArrayList<>();
        List<Change> current = new ArrayList<>();
        long currentBytes = Caps.CHANGESET_OVERHEAD;
        List<Change> changes = cs.changes();
        for (int start = 0; start < changes.size(); ) {
            // a row's changes, without those that could not fit in any push on their own (as a hub refuses a value
            // over its cap: the rest of the row goes)
            List<Change> row = new ArrayList<>();
            long rowBytes = 0;
            int end = start;
            for (; end < changes.size() && sameRow(changes.get(start), changes.get(end)); end++) {
                long bytes = ChangesetCodec.encodedSize(changes.get(end), cs.origin());
                if (bytes + Caps.CHANGESET_OVERHEAD > maxBytes) {
                    oversized.add(changes.get(end));
                } else {
                    row.add(changes.get(end));
                    rowBytes += bytes;
                }
            }
            start = end;
            if (row.isEmpty()) continue;
            if (rowBytes + Caps.CHANGESET_OVERHEAD > maxBytes) {
                oversized.addAll(row);
                continue;
            }
            if (!current.isEmpty() && (current.size() + row.size() > maxChanges || currentBytes + rowBytes > maxBytes)) {
                parts.add(new Changeset(cs.origin(), current));
                current = new ArrayList<>();
                currentBytes = Caps.CHANGESET_OVERHEAD;
            }
            current.addAll(row);
            currentBytes += rowBytes;
        }
        if (!current.isEmpty()) parts.add(new Changeset(cs.origin(), current));
        return parts;
    }

    private static boolean sameRow(Change a, Change b) {
        return a.table().equals(b.table()) && a.pk().equals(b.pk());
    }

    /** {@code cs} cut into parts of at most {@code max} changes (more only for one row), never splitting a row. */
    public static List<Changeset> rowAlignedParts(Changeset cs, int max) {
        List<Changeset> parts = new ArrayList<>();
        List<Change> current = new ArrayList<>();
        Change previous = null;
        for (Change c : cs.changes()) {
            if ((previous == null || !sameRow(previous, c)) && current.size() >= max) {
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
