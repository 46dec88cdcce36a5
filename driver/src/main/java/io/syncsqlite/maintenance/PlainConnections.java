package io.syncsqlite.maintenance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/** Plain xerial connections to a database file, for work on the file as a whole (no capture, no engine). */
final class PlainConnections {
    private PlainConnections() {
    }

    static Connection open(Path db, boolean readOnly) throws SQLException {
        if (!Files.isRegularFile(db)) throw new SQLException("No database file at " + db, "08001");
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        config.setBusyTimeout(30_000);
        Properties props = config.toProperties();
        Connection c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + db, props);
        if (c == null) throw new SQLException("xerial sqlite-jdbc did not open " + db, "08001");
        return c;
    }
}
