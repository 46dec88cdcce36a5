package io.syncsqlite.transport.nas;

import io.syncsqlite.SyncConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The main of a replica that ends without closing its connection. Arguments: database, shared folder, rows, and
 * {@code exit} (it calls {@code System.exit(0)}) or {@code wait} (it waits to be signalled). After one sync round it
 * commits {@code rows} rows, which only a final push can publish (the interval is an hour), and prints {@code WRITTEN}.
 */
public final class ExitingReplica {
    private ExitingReplica() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        NasReplica.createSchema(db);
        Connection c = DriverManager.getConnection(NasReplica.url(db, Path.of(args[1]), "test", "1h"));
        c.unwrap(SyncConnection.class).syncNow();
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < Integer.parseInt(args[2]); i++) s.executeUpdate("INSERT INTO todo(id, title) VALUES ('exit-" + i + "', 'row " + i + "')");
        }
        System.out.println("WRITTEN");
        System.out.flush();
        if (args[3].equals("exit")) System.exit(0);
        Thread.sleep(Long.MAX_VALUE);
    }
}
