package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.RowidKeySql;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.clock.Hlc;
import io.syncsqlite.keys.KeyScheme;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Two rows that got one key the driver chose: two replicas that inserted before either saw the other's row, with keys
 * from one block (a restored copy inserting from its old site's block before its first round, two hub replicas that
 * drew the same provisional tag). Both rows exist in their first era (causal length 1) with different existence
 * versions — one row created twice, which a single creation never gives: an insert that saw the row fails or, as a
 * replace, moves the row to a later era. Such rows are not one row and are never merged cell by cell: the creation
 * with the greater version {@code (hlc, site)} keeps the key on every replica, and the other row is kept whole in
 * {@code _syncsqlite_conflicts} (restorable under a new key, {@code SyncConnection.restoreConflict}).
 * <p>
 * Only keys the driver chooses are judged so: an {@code INTEGER PRIMARY KEY} whose value is a block, spill or wide key
 * ({@link KeyScheme}). Keys an application gives (natural keys, small integer ids) name one entity wherever it is
 * created, and two creations with equal values are one row whatever the key: both merge cell by cell as always.
 */
final class KeyTwins {
    /** Wide keys are {@code seq * 2^20 + tag} with {@code seq} at least the seconds since 2025: above 2^45. */
    private static final long WIDE_KEYS_FROM = 1L << 45;
    /** Keys from 2^62 on are left to the application by every scheme ({@link RowidKeySql}). */
    private static final long WIDE_KEYS_BELOW = 1L << 62;
    private final Connection c;
    private final SiteDictionary sites;

    KeyTwins(Connection c, SiteDictionary sites) {
        this.c = c;
        this.sites = sites;
    }

    /** What to do with one incoming row whose key names a local row. */
    sealed interface Verdict {
    }

    /** The same row (or a key the rule leaves alone): merge as always. */
    record Same() implements Verdict {
    }

    /** The incoming creation lost: it is kept whole in the conflicts table, nothing of it is merged. */
    record IncomingLost(Object[] values, String reason) implements Verdict {
    }

    /** The local row lost: it is kept whole, and the incoming creation takes the key with every cell it carries. */
    record LocalLost(Object[] values, String reason) implements Verdict {
    }

    private static final Verdict SAME = new Same();

    /** Judges {@code changes} (one row's, all of the row) against the stored versions {@code v} of the local row. */
    Verdict judge(CapturedTable t, List<Object> pk, List<Change> changes, VersionRow v) throws SQLException {
        if (v.cl != 1 || v.rh == 0 || !t.rowidKey() || !(pk.get(0) instanceof Long key) || !chosenByDriver(key)) return SAME;
        Change creation = null;
        for (Change ch : changes) {
            if (ch.cl() != 1) return SAME; // a later era arrives too: the row's history goes on as always
            if (ch.isRowChange()) creation = ch;
        }
        if (creation == null) return SAME;
        String localSite = sites.site(c, v.rs);
        if (creation.hlc() == v.rh && creation.site().equals(localSite)) return SAME;
        Object[] local = UniqueConflicts.values(c, t, pk);
        Object[] incoming = new Object[local.length];
        boolean differs = false;
        for (Change ch : changes) {
            if (ch.isRowChange()) continue;
            int i = t.indexOf(ch.column());
            if (i < 0) continue;
            incoming[i] = ch.value();
            differs |= SqliteValues.compare(ch.value(), local[i]) != 0;
        }
        if (!differs) return SAME; // created twice with the same values: nothing to tell apart
        boolean incomingWins = creation.compareVersion(v.cl, v.rh, localSite) > 0;
        String reason = "row " + pk + " of " + io.syncsqlite.capture.Sql.quote(t.name()) + " was created twice with one key the driver chose"
                + " (site " + localSite + " at " + Hlc.format(v.rh) + ", site " + creation.site() + " at " + Hlc.format(creation.hlc())
                + "): the later creation keeps the key, the other row is kept here; restore it under a new key with SyncConnection.restoreConflict";
        return incomingWins ? new LocalLost(local, reason) : new IncomingLost(incoming, reason);
    }

    /** A block, spill or wide key: one the driver picks for an {@code INTEGER PRIMARY KEY} left to the database. */
    static boolean chosenByDriver(long key) {
        return KeyScheme.blockTagOf(key) > 0 || key >= WIDE_KEYS_FROM && key < WIDE_KEYS_BELOW;
    }
}
