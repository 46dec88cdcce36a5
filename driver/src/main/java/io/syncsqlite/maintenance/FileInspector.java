package io.syncsqlite.maintenance;

import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.identity.SiteIdentity;
import io.syncsqlite.merge.ChangeExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what the driver keeps in a database file, read-only, without an engine or capture. */
public final class FileInspector {
    private FileInspector() {
    }

    /**
     * What the driver keeps in one database file.
     *
     * @param installed     whether the file holds the driver's metadata
     * @param uninstalled   whether the file is marked uninstalled (see {@link UninstallMark})
     * @param siteId        this file's site id, or {@code null} when not installed
     * @param tables        the captured tables
     * @param unpublished   local changes not yet published, per table
     * @param pending       remote changes kept pending, per table
     * @param deadLetters   local changes refused on their way out, per table
     * @param conflicts     rows that lost a conflict, kept for the application, per table
     * @param peers         site ids of the other replicas whose changes this file holds
     * @param cursors       the transports' positions in their streams, by key
     * @param lastPublished when the file last published a batch (the time of the mark beside it), or {@code null}
     */
    public record FileStatus(boolean installed, boolean uninstalled, String siteId, List<String> tables, Map<String, Long> unpublished,
                             Map<String, Long> pending, Map<String, Long> deadLetters, Map<String, Long> conflicts, List<String> peers,
                             Map<String, String> cursors, Instant lastPublished) {
        public FileStatus {
            tables = List.copyOf(tables);
            unpublished = Map.copyOf(unpublished);
            pending = Map.copyOf(pending);
            deadLetters = Map.copyOf(deadLetters);
            conflicts = Map.copyOf(conflicts);
            peers = List.copyOf(peers);
            cursors = Map.copyOf(cursors);
        }
    }

    public static FileStatus inspect(Path db) throws SQLException {
        boolean uninstalled = UninstallMark.exists(db);
        try (Connection c = PlainConnections.open(db, true)) {
            if (!MetaTables.exist(c)) return new FileStatus(false, uninstalled, null, List.of(), Map.of(), Map.of(), Map.of(), Map.of(), List.of(), Map.of(), null);
            return new FileStatus(true, uninstalled, MetaTables.localSiteId(c),
                    Uninstaller.strings(c, "SELECT name FROM " + MetaTables.TABLES + " ORDER BY name"),
                    counts(c, "SELECT coalesce(t.name, 'table #' || o.tbl), count(*) FROM " + MetaTables.OUTBOX + " o LEFT JOIN " + MetaTables.TABLES
                            + " t ON t.id = o.tbl WHERE o.tbl <> " + ChangeExtractor.HIGH_WATER + " GROUP BY 1"),
                    countsByTbl(c, MetaTables.PENDING), countsByTbl(c, MetaTables.DEAD_LETTERS), countsByTbl(c, MetaTables.CONFLICTS),
                    Uninstaller.strings(c, "SELECT site FROM " + MetaTables.SITES + " WHERE idx > 0 ORDER BY site"),
                    cursors(c), lastPublished(db));
        }
    }

    private static Map<String, Long> countsByTbl(Connection c, String table) throws SQLException {
        if (!Uninstaller.exists(c, table)) return Map.of();
        return counts(c, "SELECT tbl, count(*) FROM " + table + " GROUP BY tbl");
    }

    private static Map<String, Long> counts(Connection c, String sql) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    private static Map<String, String> cursors(Connection c) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT key, value FROM " + MetaTables.CURSORS)) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }

    private static Instant lastPublished(Path db) {
        Path mark = SiteIdentity.filesBeside(db).get(0);
        try {
            return Files.exists(mark) ? Files.getLastModifiedTime(mark).toInstant() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
