package io.syncsqlite.keys;

import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.RowidKeySql;
import io.syncsqlite.capture.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * This replica's key block ({@link KeyScheme}): the coordinated block tag stored for the current site id, and how full
 * the block is in each table keyed by a rowid alias.
 */
public final class KeyBlocks {
    /** A table's block counts as nearly full from here: the warning comes 262,144 inserts before its keys pass 2^31. */
    public static final long WARN_AT = RowidKeySql.BLOCK / 4 * 3;

    private KeyBlocks() {
    }

    /** The block tag coordinated for the current local site, if any (until then keys use the provisional tag). */
    public static OptionalInt coordinatedTag(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT tag FROM " + MetaTables.KEY_TAGS + " WHERE site = (SELECT site FROM "
                + MetaTables.SITES + " WHERE idx = 0)"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
        }
    }

    /** Stores the block tag the transport granted to {@code site}; from the next statement on, new keys use it. */
    public static void store(Connection c, String site, int tag) throws SQLException {
        if (tag < 1 || tag >= RowidKeySql.TAGS) {
            throw new SQLException("A key block tag must be between 1 and " + (RowidKeySql.TAGS - 1) + "; the transport granted " + tag + " to site " + site, "22003");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO " + MetaTables.KEY_TAGS + "(site, tag) VALUES (?, ?)")) {
            ps.setString(1, site);
            ps.setInt(2, tag);
            ps.executeUpdate();
        }
    }

    /**
     * The tables whose block of the current tag holds at least {@link #WARN_AT} keys (rows or tombstones), with the
     * highest sequence number used; a table already in its spill range reports that range's.
     */
    public static Map<String, Long> nearlyFull(Connection c, CaptureSchema schema) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (CapturedTable t : schema.tables()) {
            if (!t.rowidKey()) continue;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + RowidKeySql.newKey(t, "-1", 0) + " FROM " + MetaTables.CLOCK);
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) continue;
                long next = rs.getLong(1);
                long seq = next < RowidKeySql.TAGS * RowidKeySql.BLOCK ? next % RowidKeySql.BLOCK : next % RowidKeySql.SPILL;
                if (seq >= WARN_AT) out.put(t.name(), seq);
            }
        }
        return out;
    }

    /** The warning for a table {@link #nearlyFull} reported. */
    public static String nearlyFullMessage(String table, long seq) {
        if (seq >= RowidKeySql.BLOCK) {
            return "Table " + Sql.quote(table) + ": this replica has used all " + (RowidKeySql.BLOCK - 1) + " keys of its key block; new rows get"
                    + " keys above 2^31 (unique, but too large for a Java int). Set sync.keys=wide on every replica, or hold ids in long.";
        }
        return "Table " + Sql.quote(table) + ": this replica has used " + seq + " of the " + (RowidKeySql.BLOCK - 1) + " keys of its key block;"
                + " after " + (RowidKeySql.BLOCK - 1 - seq) + " more inserts its new rows get keys above 2^31 (unique, but too large for a Java int)."
                + " Hold ids in long, or set sync.keys=wide on every replica.";
    }
}
