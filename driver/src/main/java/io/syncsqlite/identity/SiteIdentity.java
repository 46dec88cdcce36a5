package io.syncsqlite.identity;

import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.capture.Transactions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a site id to one database file. The site id lives inside the file, so a copy of the file (cp to a new laptop,
 * {@code VACUUM INTO}, a restore that writes a new file) would otherwise carry on as the same site: both copies would
 * number their publications alike (one replacing the other's), pick identical keys, and skip each other's changes as
 * "their own". The file therefore also records which file it is ({@link FileIdentity}); a database found in another
 * file is a new incarnation and becomes a new site:
 * <ul>
 *   <li>the old site id stays in the site dictionary as a peer, and every version it stamped keeps naming it, so
 *       what the old site published is neither lost nor claimed by the new one, and the new copy reads the old site's
 *       later publications like any peer's;</li>
 *   <li>writes the file holds but had not published yet (its outbox) become the new site's, so they are published
 *       under a name nobody used before;</li>
 *   <li>the key tag is derived from the new id, so keys the copy picks never meet the original's.</li>
 * </ul>
 * The check costs a {@code stat} and one read at the first open of a file per JVM; the change runs once, in one
 * transaction, re-checked under the write lock so concurrent openers of one copy agree on one new id.
 */
public final class SiteIdentity {
    private static final System.Logger LOG = System.getLogger(SiteIdentity.class.getName());
    static final String TABLE = Sql.PREFIX + "incarnation";

    private SiteIdentity() {
    }

    /**
     * This database's site id, after making a new one when the database was found in another file than the one it
     * recorded. The database must hold the driver's metadata.
     *
     * @param file the database file {@code c} is open on
     */
    public static String verify(Connection c, Path file) throws SQLException {
        String current = FileIdentity.of(file);
        if (current == null || current.equals(recorded(c))) return MetaTables.localSiteId(c);
        return Transactions.write(c, () -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + "(id INTEGER PRIMARY KEY CHECK (id = 0), file TEXT NOT NULL)");
            }
            String before = recorded(c);
            String site = MetaTables.localSiteId(c);
            if (before != null && !before.equals(current)) {
                String old = site;
                site = newSite(c);
                LOG.log(System.Logger.Level.WARNING, "Database {0} is a copy of site {1} (it was file {2}, it is now {3}): this copy is now site {4};"
                        + " the history of {1} is kept as a peer''s and what this copy had not published yet goes out as {4}",
                        file, old, before, current, site);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + "(id, file) VALUES (0, ?) ON CONFLICT(id) DO UPDATE SET file = excluded.file")) {
                ps.setString(1, current);
                ps.executeUpdate();
            }
            return site;
        });
    }

    /** The file identity the database recorded, or {@code null} when it has none yet. */
    private static String recorded(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE name = '" + TABLE + "'")) {
            if (!rs.next()) return null;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT file FROM " + TABLE)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Gives the database a new site id at index 0: the old id moves to an index of its own, and every version it
     * stamped moves with it, except the cells of rows still waiting in the outbox, which the new site publishes.
     */
    private static String newSite(Connection c) throws SQLException {
        String old = MetaTables.localSiteId(c);
        String site = MetaTables.newSiteId();
        try (Statement s = c.createStatement()) {
            s.execute("UPDATE " + MetaTables.SITES + " SET site = '" + site + "' WHERE idx = 0");
            s.execute("INSERT INTO " + MetaTables.SITES + "(site) VALUES ('" + old + "')");
        }
        long oldIdx;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT idx FROM " + MetaTables.SITES + " WHERE site = '" + old + "'")) {
            rs.next();
            oldIdx = rs.getLong(1);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + MetaTables.TABLES)) {
            List<Integer> ids = new ArrayList<>();
            while (rs.next()) ids.add(rs.getInt(1));
            for (int id : ids) handOver(c, id, oldIdx);
        }
        return site;
    }

    /** Re-attributes the local versions of one version table to {@code oldIdx}, outbox rows excepted. */
    private static void handOver(Connection c, int tableId, long oldIdx) throws SQLException {
        String versions = Sql.PREFIX + "v" + tableId;
        List<String> siteColumns = new ArrayList<>();
        boolean composite = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            ps.setString(1, versions);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (name.equals("rs") || name.matches("s\\d+")) siteColumns.add(name);
                    if (name.equals("k1")) composite = true;
                }
            }
        }
        if (siteColumns.isEmpty()) return; // registered, but its version table is gone
        StringBuilder set = new StringBuilder();
        StringBuilder any = new StringBuilder();
        for (String col : siteColumns) {
            set.append(set.length() == 0 ? "" : ", ").append(col).append(" = CASE WHEN ").append(col).append(" = 0 THEN ").append(oldIdx)
               .append(" ELSE ").append(col).append(" END");
            any.append(any.length() == 0 ? "" : " OR ").append(col).append(" = 0");
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + Sql.quote(versions) + " SET " + set + " WHERE (" + any + ") AND " + (composite ? "rowid" : "k0")
                    + " NOT IN (SELECT k FROM " + MetaTables.OUTBOX + " WHERE tbl = " + tableId + ")");
        }
    }
}
