package io.syncsqlite;

import io.syncsqlite.maintenance.FileInspector;
import io.syncsqlite.maintenance.FileInspector.FileStatus;
import io.syncsqlite.maintenance.Uninstaller;
import io.syncsqlite.maintenance.Uninstaller.Removed;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Work on a database file as a whole, from outside the application (the {@code syncsqlite} command line uses it):
 * reading what the driver keeps in it, and removing the driver from it. Both open the file with plain xerial; neither
 * starts an engine.
 */
public final class Maintenance {
    private Maintenance() {
    }

    /** What the driver keeps in {@code db}: site, tables, unpublished, pending, dead letters, conflicts, peers, cursors. */
    public static FileStatus inspect(Path db) throws SQLException {
        return FileInspector.inspect(db.toAbsolutePath());
    }

    /**
     * Removes every trigger, table and index the driver added to {@code db}, and its files beside it, leaving exactly
     * the application's schema and rows, so {@code jdbc:sqlite:} works on it as before the driver. The file is then
     * marked uninstalled ({@code <db>-syncsqlite.uninstalled}): {@code jdbc:syncsqlite:} refuses it until a URL
     * asks with {@code sync.reinstall=true}. Refused while an engine syncs the file, when an application trigger or
     * view uses the driver's tables, and — unless {@code discardUnsynced} — while the file holds unpublished or
     * pending changes, dead letters or conflicts. Close every application that has the file open first: one that
     * keeps it open goes on with the driver's view of the schema.
     */
    public static Removed uninstall(Path db, boolean discardUnsynced) throws SQLException {
        return Uninstaller.uninstall(db.toAbsolutePath(), discardUnsynced);
    }
}
