package io.syncsqlite.transport.nas;

import io.syncsqlite.SyncConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

/**
 * The main of a replica in its own JVM, for the multi-process tests. Arguments: database, shared folder, name, rows
 * to write. It writes {@code rows} rows of its own (one transaction each, every fifth also overwriting one of seven
 * rows every process edits), printing {@code COMMITTED i} after each commit, then {@code DONE}; it keeps syncing in
 * the background until it reads {@code quit} on stdin, then closes (final push) and prints {@code CLOSED}.
 */
public final class ReplicaProcess {
    private ReplicaProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        String name = args[2];
        int rows = Integer.parseInt(args[3]);
        String url = NasReplica.url(db, Path.of(args[1]), "test", "50ms") + "&sync.batchSize=20&sync.compactEvery=4";
        NasReplica.createSchema(db);
        try (Connection c = DriverManager.getConnection(url)) {
            System.out.println("READY " + c.unwrap(SyncConnection.class).siteId());
            try (PreparedStatement own = c.prepareStatement("INSERT OR IGNORE INTO todo(id, title) VALUES (?, ?)");
                 PreparedStatement shared = c.prepareStatement("INSERT INTO todo(id, title) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title")) {
                for (int i = 0; i < rows; i++) {
                    c.setAutoCommit(false);
                    own.setString(1, name + "-" + i);
                    own.setString(2, "row " + i + " of " + name);
                    own.executeUpdate();
                    if (i % 5 == 0) {
                        shared.setString(1, "shared-" + (i % 7));
                        shared.setString(2, name + " was here at " + i);
                        shared.executeUpdate();
                    }
                    c.commit();
                    c.setAutoCommit(true);
                    System.out.println("COMMITTED " + i);
                }
            }
            System.out.println("DONE");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                // only "quit" (or the end of input) ends the process
            }
        }
        System.out.println("CLOSED");
    }
}
