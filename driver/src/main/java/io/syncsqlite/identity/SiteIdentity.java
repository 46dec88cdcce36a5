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
import java.util.Objects;

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
    static final String TABLE = Sql.PREFIX + "identity";

    private SiteIdentity() {
    }

    /** The files this class keeps beside {@code db} (they may not exist). */
    public static java.util.List<Path> filesBeside(Path db) {
        Path mark = PublishedMark.fileOf(db);
        return java.util.List.of(mark, mark.resolveSibling(mark.getFileName() + ".tmp"));
    }

    /**
     * This database's site id, after making a new one when the database is a second incarnation of its site: found
     * in another file than the one it recorded (a copy), or behind what its site already published (restored in place
     * from an older copy, see {@link PublishedMark}). The database must hold the driver's metadata.
     *
     * @param file the database file {@code c} is open on
     */
    public static String verify(Connection c, Path file) throws SQLException {
        String current = FileIdentity.of(file);
        Recorded seen = Recorded.read(c);
        String site = MetaTables.localSiteId(c);
        if (seen != null && seen.sameFile(current) && seen.reasonToRenew(current, PublishedMark.read(file), site) == null) return site;
        PublishedMark[] renewed = new PublishedMark[1];
        String result;
        try {
            result = renew(c, file, current, null, renewed);
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("SQLITE_READONLY")) throw e;
            // a file nobody may write (read-only media, permissions) cannot publish either: nothing to keep apart
            LOG.log(System.Logger.Level.DEBUG, "{0} is read-only: its identity is not checked", file);
            return site;
        }
        // after the commit: a mark naming the new site never runs ahead of a database that rolled back
        if (renewed[0] != null) renewed[0].write(file);
        return result;
    }

    /**
     * Makes the database a new site because the shared folder or hub holds publications of its site that it does not
     * know of: it is a restored copy of an older state of that site, whatever the mark beside it says (a folder backup
     * restores the mark too). As for a copy, the old site stays a peer, so the new site reads back what the old one
     * published after the copy was taken, and its new keys come from a block of its own. Returns the new site id.
     *
     * @param evidence what the transport found, for the log
     */
    public static String renewAsRestored(Connection c, Path file, String evidence) throws SQLException {
        PublishedMark[] renewed = new PublishedMark[1];
        String result = renew(c, file, FileIdentity.of(file), "restored from an older copy: " + evidence, renewed);
        if (renewed[0] != null) renewed[0].write(file);
        return result;
    }

    /**
     * Records the file's identity, giving the database a new site id first when it is a second incarnation: for
     * {@code forced} (a reason found elsewhere), else when what it recorded says so.
     */
    private static String renew(Connection c, Path file, String current, String forced, PublishedMark[] renewed) throws SQLException {
        return Transactions.write(c, () -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + "(id INTEGER PRIMARY KEY CHECK (id = 0), file TEXT, published INTEGER NOT NULL)");
            }
            Recorded before = Recorded.read(c);
            String now = MetaTables.localSiteId(c);
            long published = before == null ? 0 : before.published;
            String reason = forced != null ? forced : before == null ? null : before.reasonToRenew(current, PublishedMark.read(file), now);
            if (reason != null) {
                String old = now;
                now = newSite(c);
                published = 0;
                renewed[0] = new PublishedMark(now, 0);
                LOG.log(System.Logger.Level.WARNING, "Database {0} is a second incarnation of site {1} ({2}): it is now site {3};"
                        + " the history of {1} is kept as a peer''s, and what this file had not published yet goes out as {3}",
                        file, old, reason, now);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + "(id, file, published) VALUES (0, ?, ?)"
                    + " ON CONFLICT(id) DO UPDATE SET file = excluded.file, published = excluded.published")) {
                ps.setString(1, current);
                ps.setLong(2, published);
                ps.executeUpdate();
            }
            return now;
        });
    }

    /**
     * Runs {@code work} (marking a batch published) and counts the publication in the same transaction. Returns what
     * moves the mark beside the database past it, for the caller to run once the transaction is over: it writes a file,
     * not the database, so the engine runs it after leaving the write gate, and no application statement waits for it.
     */
    public static Runnable published(Connection c, Path file, Transactions.SqlWork<Void> work) throws SQLException {
        PublishedMark mark = Transactions.write(c, () -> {
            work.run();
            try (Statement s = c.createStatement()) {
                if (s.executeUpdate("UPDATE " + TABLE + " SET published = published + 1") == 0) return null;
            }
            Recorded r = Recorded.read(c);
            return new PublishedMark(MetaTables.localSiteId(c), r.published);
        });
        return mark == null || file == null ? () -> { } : () -> mark.write(file);
    }

    /** What the database recorded about itself: the file it was in, and how many batches it published. */
    private record Recorded(String file, long published) {
        static Recorded read(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE name = '" + TABLE + "'")) {
                if (!rs.next()) return null;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT file, published FROM " + TABLE)) {
                return rs.next() ? new Recorded(rs.getString(1), rs.getLong(2)) : null;
            }
        }

        boolean sameFile(String current) {
            return Objects.equals(file, current);
        }

        /** Why this database is not the incarnation that recorded this, or {@code null} when it is. */
        String reasonToRenew(String current, PublishedMark mark, String site) {
            if (file != null && current != null && !file.equals(current)) return "a copy: it was file " + file + ", it is now " + current;
            if (mark != null && mark.site().equals(site) && mark.published() > published) {
                return "restored from an older copy: the site had published " + mark.published() + " batches, this file knows of " + published;
            }
            return null;
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
