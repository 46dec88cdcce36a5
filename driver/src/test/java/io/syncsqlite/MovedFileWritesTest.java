package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteException;

/** Writes after the database file was moved, through {@code jdbc:sqlite:} and the driver (memory transport, engine running). */
class MovedFileWritesTest {
    @TempDir
    Path dir;

    private final String ns = "m" + System.nanoTime();

    private String synced(Path file) {
        return "jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    private static void startedEngine(Connection c) throws SQLException {
        if (c.isWrapperFor(SyncConnection.class)) c.unwrap(SyncConnection.class).syncNow();
    }

    /**
     * What plain SQLite does with writes after its file moved depends on the journal: a rollback journal refuses the
     * next write transaction (not the later writes of one already open), WAL refuses nothing. The driver does the same
     * whatever journal mode the application names in the URL; it checks a transaction's first write only.
     */
    @Test
    void writesAfterTheFileWasMovedGoAsOnPlainWithTheJournalModeTheApplicationNamed() throws Exception {
        for (String journal : new String[] {"", "journal_mode=WAL", "journal_mode=DELETE"}) {
            List<String> outcomes = new ArrayList<>();
            for (boolean plain : new boolean[] {true, false}) {
                String name = (plain ? "plain" : "synced") + journal.replace('=', '-');
                Path from = dir.resolve(name + "-from.db");
                String url = plain ? "jdbc:sqlite:" + from + (journal.isEmpty() ? "" : "?" + journal)
                        : synced(from) + (journal.isEmpty() ? "" : "&" + journal);
                StringBuilder outcome = new StringBuilder();
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    s.executeUpdate("CREATE TABLE sample(id INTEGER PRIMARY KEY, name TEXT)");
                    startedEngine(c);
                    c.setAutoCommit(false);
                    s.executeUpdate("INSERT INTO sample(name) VALUES ('in the transaction before the move')");
                    Files.move(from, dir.resolve(name + "-to.db"));
                    outcome.append(attempt(() -> s.executeUpdate("INSERT INTO sample(name) VALUES ('in the transaction after the move')")));
                    outcome.append(attempt(c::commit));
                    c.setAutoCommit(true);
                    outcome.append(attempt(() -> s.executeUpdate("INSERT INTO sample(name) VALUES ('a transaction of its own')")));
                }
                outcomes.add(outcome.toString());
            }
            assertEquals(outcomes.get(0), outcomes.get(1), "plain, then synced, with '" + journal + "'");
        }
    }

    /** "ok", or the error code of what {@code action} threw. */
    private static String attempt(SqlAction action) {
        try {
            action.run();
            return "ok ";
        } catch (SQLException e) {
            return (e instanceof SQLiteException se ? se.getResultCode().name() : e.getMessage()) + " ";
        }
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }
}
