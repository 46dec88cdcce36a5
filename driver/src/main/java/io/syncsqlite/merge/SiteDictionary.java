package io.syncsqlite.merge;

import io.syncsqlite.capture.MetaTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** Maps 128-bit site ids to the small local indexes stored in version rows (index 0 is this replica). */
public final class SiteDictionary {
    private final Map<String, Integer> indexes = new HashMap<>();
    private final Map<Integer, String> sites = new HashMap<>();

    public SiteDictionary(Connection c) throws SQLException {
        reload(c);
    }

    private void reload(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT idx, site FROM " + MetaTables.SITES)) {
            while (rs.next()) {
                indexes.put(rs.getString(2), rs.getInt(1));
                sites.put(rs.getInt(1), rs.getString(2));
            }
        }
    }

    public String local() {
        return sites.get(0);
    }

    /** The site with local index {@code idx}; reloads once if another process registered it. */
    public String site(Connection c, int idx) throws SQLException {
        String s = sites.get(idx);
        if (s == null) {
            reload(c);
            s = sites.get(idx);
            if (s == null) throw new SQLException("Version row names unknown site index " + idx, "XX000");
        }
        return s;
    }

    /** The local index of {@code site}, registering it (inside the caller's transaction) when new. */
    public int indexOf(Connection c, String site) throws SQLException {
        Integer idx = indexes.get(site);
        if (idx != null) return idx;
        reload(c);
        idx = indexes.get(site);
        if (idx != null) return idx;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.SITES + "(site) VALUES (?)")) {
            ps.setString(1, site);
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            idx = rs.getInt(1);
        }
        // not cached until the transaction commits: a rollback would leave a stale index behind
        return idx;
    }

    /** Forgets cached indexes after a rollback. */
    public void invalidate(Connection c) throws SQLException {
        indexes.clear();
        sites.clear();
        reload(c);
    }
}
