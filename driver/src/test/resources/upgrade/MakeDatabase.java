import java.nio.file.*;
import java.sql.*;

/** Makes a small database instrumented by the driver on the classpath: published and unpublished changes. */
public class MakeDatabase {
    public static void main(String[] a) throws Exception {
        Path f = Path.of(a[0]);
        Files.deleteIfExists(f);
        String ns = "gen-" + System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + f + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)");
            s.execute("CREATE TABLE note(k TEXT PRIMARY KEY COLLATE NOCASE, body TEXT, email TEXT UNIQUE)");
            s.execute("CREATE TABLE pair(a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b))");
            for (int i = 1; i <= 20; i++) s.executeUpdate("INSERT INTO item(name, qty) VALUES ('item " + i + "', " + i + ")");
            for (int i = 1; i <= 10; i++) s.executeUpdate("INSERT INTO note(k, body, email) VALUES ('n" + i + "', 'body " + i + "', 'e" + i + "@x')");
            for (int i = 1; i <= 10; i++) s.executeUpdate("INSERT INTO pair VALUES ('p', " + i + ", 'v" + i + "')");
            s.executeUpdate("UPDATE item SET qty = qty * 10 WHERE qty % 3 = 0");
            s.executeUpdate("DELETE FROM item WHERE qty = 5");
            s.executeUpdate("DELETE FROM note WHERE k = 'n2'");
            c.unwrap(io.syncsqlite.SyncConnection.class).syncNow(); // published
        }
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + f); Statement s = c.createStatement()) { // capture only: unpublished
            s.executeUpdate("UPDATE item SET name = 'renamed' WHERE qty = 4");
            s.executeUpdate("DELETE FROM item WHERE qty = 7");
            s.executeUpdate("INSERT INTO item(name, qty) VALUES ('late', 99)");
            s.executeUpdate("UPDATE note SET k = 'N3' WHERE k = 'n3'");
            s.executeUpdate("UPDATE note SET k = 'n40' WHERE k = 'n4'");
            s.executeUpdate("INSERT OR REPLACE INTO note(k, body, email) VALUES ('n50', 'replaces n5', 'e5@x')");
            s.executeUpdate("UPDATE pair SET v = 'changed' WHERE b = 2");
            s.executeUpdate("DELETE FROM pair WHERE b = 3");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = DELETE"); // one self-contained file
            s.execute("VACUUM");
        }
    }
}
