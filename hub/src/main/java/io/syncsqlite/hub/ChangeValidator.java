package io.syncsqlite.hub;

import com.fasterxml.jackson.core.JsonGenerator;
import io.syncsqlite.ErrorText;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.clock.Hlc;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's admission policy, applied to each pushed change on its own: a change it refuses is named with the reason
 * and the rest of its batch is stored, so one bad change never costs the others. It admits every table and column
 * name SQLite accepts (the wire format already refuses NUL) except SQLite's and syncsqlite's own ({@code sqlite_},
 * {@code _syncsqlite_}), keys and values within the caps, and versions at most the allowed drift ahead of the hub's
 * clock (a version from 2099 would otherwise win every honest edit of its cell until 2099).
 */
final class ChangeValidator {
    static final int MAX_KEY_BYTES = 4096;
    private static final String[] RESERVED = {"sqlite_", "_syncsqlite_"};

    private final int maxChanges;
    private final int maxValueBytes;
    private final Duration maxClockDrift;

    /** A refused change: its position in the pushed changeset and why. */
    record Refusal(int index, String reason) {
    }

    /** Writes {@code refused} as the JSON array clients read ({@code [{"change":i,"reason":"…"}, …]}). */
    static void writeRefusals(JsonGenerator g, List<Refusal> refused) throws IOException {
        g.writeStartArray();
        for (Refusal r : refused) {
            g.writeStartObject();
            g.writeNumberField("change", r.index());
            g.writeStringField("reason", r.reason());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** What a push may store, and what it may not. */
    record Admission(Changeset admitted, List<Refusal> refused) {
        /**
         * Identifies the outcome, so a retried batch whose refusals differ (a version no longer too far ahead) is not
         * answered "already applied" for changes that were never stored.
         */
        String fingerprint() {
            if (refused.isEmpty()) return "";
            StringBuilder b = new StringBuilder(":r");
            for (Refusal r : refused) b.append(Integer.toString(r.index(), 36)).append('.');
            return b.length() > 40 ? ":r" + Integer.toHexString(b.toString().hashCode()) + refused.size() : b.toString();
        }
    }

    ChangeValidator(int maxChanges, int maxValueBytes, Duration maxClockDrift) {
        this.maxChanges = maxChanges;
        this.maxValueBytes = maxValueBytes;
        this.maxClockDrift = maxClockDrift;
    }

    /** The limits as one line, sent to clients: what they refused under other limits is pushed again when it changes. */
    String limits() {
        return "values<=" + maxValueBytes + "; keys<=" + MAX_KEY_BYTES + "; drift<=" + maxClockDrift.toMillis() + "ms; names=sqlite";
    }

    /** Sorts {@code cs} into admitted and refused changes; 413 for a batch over the count cap (the client splits it). */
    Admission check(Changeset cs) throws HttpError {
        if (cs.size() > maxChanges) {
            throw new HttpError(413, "batch holds " + cs.size() + " changes; this hub accepts at most " + maxChanges + " per push");
        }
        long horizon = Hlc.now() + Hlc.ofMillis(maxClockDrift.toMillis());
        List<Change> admitted = new ArrayList<>(cs.size());
        List<Refusal> refused = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            Change c = cs.changes().get(i);
            String problem = problem(c, cs.origin(), horizon);
            if (problem == null) admitted.add(c);
            else refused.add(new Refusal(i, "change " + i + " (" + where(c) + "): " + problem));
        }
        return new Admission(refused.isEmpty() ? cs : new Changeset(cs.origin(), admitted), refused);
    }

    private String problem(Change c, String origin, long horizon) {
        String reserved = reserved("table", c.table());
        if (reserved == null && c.column() != null) reserved = reserved("column", c.column());
        if (reserved != null) return reserved;
        long keyBytes = 0;
        for (Object v : c.pk()) keyBytes += ChangesetCodec.valueSize(v);
        if (keyBytes > MAX_KEY_BYTES) return "primary key of " + keyBytes + " bytes exceeds this hub's cap of " + MAX_KEY_BYTES;
        if (mayExceed(c.value())) {
            long size = ChangesetCodec.valueSize(c.value());
            if (size > maxValueBytes) return "value of " + size + " bytes exceeds this hub's cap of " + maxValueBytes;
        }
        if (c.hlc() > horizon) {
            return "version " + Hlc.format(c.hlc()) + " written by site " + c.site() + (c.site().equals(origin) ? "" : " (pushed by site " + origin + ")")
                    + " is more than " + maxClockDrift + " ahead of this hub's clock; check that site's clock";
        }
        return null;
    }

    /** A string of n chars takes at most 3n UTF-8 bytes: only a longer one has its bytes counted (a loop per char). */
    private boolean mayExceed(Object value) {
        return !(value instanceof String s) || s.length() * 3L > maxValueBytes;
    }

    private static String reserved(String what, String name) {
        for (String prefix : RESERVED) {
            if (name.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return what + " name " + shown(name) + " is reserved (names starting with sqlite_ or _syncsqlite_ belong to SQLite and syncsqlite)";
            }
        }
        return null;
    }

    private static String where(Change c) {
        return "table " + shown(c.table()) + (c.column() == null ? "" : " column " + shown(c.column()));
    }

    /** A name fit for a message: quoted, control characters escaped, cut at 64 characters. */
    private static String shown(String name) {
        return "'" + ErrorText.printable(name.length() > 64 ? name.substring(0, 64) + "…" : name) + "'";
    }
}
