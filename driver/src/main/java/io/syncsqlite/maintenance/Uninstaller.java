package io.syncsqlite.maintenance;

import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.engine.EngineLease;
import io.syncsqlite.identity.SiteIdentity;
import io.syncsqlite.merge.ChangeExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes the driver from a database file: every trigger, table and index named with the driver's prefix (which the
 * driver reserves, so none is the application's), and the driver's files beside the database. The application's
 * schema and rows stay exactly as they are. A file mark ({@link UninstallMark}) keeps the driver from installing itself
 * again by accident.
 */
public final class Uninstaller {
    private static final String LIKE_PREFIX = "'\\_syncsqlite\\_%' ESCAPE '\\'";
    /** Where the driver keeps what is not synced yet: losing it must be asked for. */
    private static final Map<String, String> UNSYNCED = unsynced();

    private Uninstaller() {
    }

    /** What an uninstall removed. */
    public record Removed(List<String> triggers, List<String> indexes, List<String> tables, List<String> files) {
        public Removed {
            triggers = List.copyOf(triggers);
            indexes = List.copyOf(indexes);
            tables = List.copyOf(tables);
            files = List.copyOf(files);
        }
    }

    /**
     * @param discardUnsynced remove the driver even when the file holds unpublished changes, pending remote changes,
     *                        dead letters or conflicts (they are lost; the application's rows stay as they are)
     */
    public static Removed uninstall(Path db, boolean discardUnsynced) throws SQLException {
        if (EngineLease.isHeld(db)) {
            throw new SQLException("A sync engine has " + db + " open (it holds " + EngineLease.fileOf(db).getFileName()
                    + "): close the application that syncs it, then uninstall", "55006");
        }
        try (Connection c = PlainConnections.open(db, false)) {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
            try {
                refuseDependents(c, db);
                if (!discardUnsynced) refuseUnsynced(c, db);
                UninstallMark.write(db);
                Removed removed = dropAll(c);
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
                return new Removed(removed.triggers(), removed.indexes(), removed.tables(), deleteSideFiles(db));
            } catch (SQLException | RuntimeException e) {
                try (Statement s = c.createStatement()) {
                    if (!c.getAutoCommit()) s.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    /** An application trigger or view that reads the driver's tables would break without them. */
    private static void refuseDependents(Connection c, Path db) throws SQLException {
        List<String> dependents = strings(c, "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE " + LIKE_PREFIX
                + " AND sql LIKE '%\\_syncsqlite\\_%' ESCAPE '\\' ORDER BY name");
        if (!dependents.isEmpty()) {
            throw new SQLException("Cannot uninstall syncsqlite from " + db + ": " + String.join(", ", dependents)
                    + " of the application use the driver's tables; change them first", "2BP01");
        }
    }

    private static void refuseUnsynced(Connection c, Path db) throws SQLException {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> e : UNSYNCED.entrySet()) {
            if (!exists(c, e.getKey())) continue;
            long n = count(c, e.getKey() + (e.getKey().equals(MetaTables.OUTBOX) ? " WHERE tbl <> " + ChangeExtractor.HIGH_WATER : ""));
            if (n > 0) found.add(n + " " + e.getValue());
        }
        if (!found.isEmpty()) {
            throw new SQLException(db + " holds " + String.join(", ", found) + ": sync it first (or inspect them), or uninstall with"
                    + " discardUnsynced (CLI: --discard-unsynced) to lose them; the application's rows stay either way", "55000");
        }
    }

    private static Removed dropAll(Connection c) throws SQLException {
        List<String> triggers = strings(c, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE " + LIKE_PREFIX + " ORDER BY name");
        List<String> tables = strings(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE " + LIKE_PREFIX + " ORDER BY name");
        // indexes on application tables; those on the driver's tables go with them
        List<String> indexes = strings(c, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE " + LIKE_PREFIX
                + " AND tbl_name NOT LIKE " + LIKE_PREFIX + " ORDER BY name");
        try (Statement s = c.createStatement()) {
            for (String t : triggers) s.execute("DROP TRIGGER " + Sql.quote(t));
            for (String i : indexes) s.execute("DROP INDEX " + Sql.quote(i));
            for (String t : tables) s.execute("DROP TABLE " + Sql.quote(t));
        }
        return new Removed(triggers, indexes, tables, List.of());
    }

    private static List<String> deleteSideFiles(Path db) throws SQLException {
        List<String> deleted = new ArrayList<>();
        List<Path> files = new ArrayList<>(SiteIdentity.filesBeside(db));
        files.add(EngineLease.fileOf(db));
        for (Path f : files) {
            try {
                if (Files.deleteIfExists(f)) deleted.add(f.getFileName().toString());
            } catch (IOException e) {
                throw new SQLException("syncsqlite was removed from " + db + ", but its file " + f + " could not be deleted: " + e.getMessage()
                        + "; delete it by hand", "58030", e);
            }
        }
        return deleted;
    }

    static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** @param from a table name and an optional WHERE clause */
    private static long count(Connection c, String from) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private static Map<String, String> unsynced() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MetaTables.OUTBOX, "unpublished local changes");
        m.put(MetaTables.PENDING, "pending remote changes");
        m.put(MetaTables.DEAD_LETTERS, "dead letters");
        m.put(MetaTables.CONFLICTS, "conflicts");
        return m;
    }
}
