package io.syncsqlite.maintenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The file beside a database ({@code <db>-syncsqlite.uninstalled}) that says the driver was uninstalled from it. It
 * lives outside the database so the database keeps exactly the application's schema; while it exists the driver
 * refuses to open the file until the URL asks it to install again ({@code sync.reinstall=true}).
 */
public final class UninstallMark {
    static final String SUFFIX = "-syncsqlite.uninstalled";

    private UninstallMark() {
    }

    static Path of(Path db) {
        return db.resolveSibling(db.getFileName() + SUFFIX);
    }

    static boolean exists(Path db) {
        return Files.exists(of(db));
    }

    static void write(Path db) throws SQLException {
        try {
            Files.writeString(of(db), "syncsqlite was uninstalled from " + db.getFileName()
                    + ". Open it with jdbc:sqlite: as before, or add sync.reinstall=true to a jdbc:syncsqlite: URL to sync it again.\n");
        } catch (IOException e) {
            throw new SQLException("Cannot write " + of(db) + " (which keeps the driver from installing itself again): " + e.getMessage()
                    + ". Make the folder writable and run the uninstall again.", "58030", e);
        }
    }

    /**
     * Refuses a file marked uninstalled unless {@code reinstall}; with it, removes the mark so the driver installs
     * itself as on a new file (a new site id; the rows the file holds are adopted).
     */
    public static void check(Path db, boolean reinstall) throws SQLException {
        if (!exists(db)) return;
        if (!reinstall) {
            throw new SQLException("syncsqlite was uninstalled from " + db + " (" + of(db).getFileName() + " beside it): open it with jdbc:sqlite:,"
                    + " or add sync.reinstall=true to the jdbc:syncsqlite: URL to sync it again", "55000");
        }
        try {
            Files.deleteIfExists(of(db));
        } catch (IOException e) {
            throw new SQLException("Cannot remove " + of(db) + " to reinstall syncsqlite: " + e.getMessage(), "58030", e);
        }
    }
}
