package io.syncsqlite.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demos as {@code ./demo.sh} and {@code ./demo-ws.sh} run them (three replica processes): the demo says the
 * replicas converged only when they have, so the files hold the same todos the moment it says so.
 */
class TodoDemoTest {
    @TempDir
    Path work;

    @Test
    void throughASharedFolder() throws Exception {
        assertTrue(TodoDemo.run(work, false), "the demo reports convergence");
        assertSameTodos();
    }

    @Test
    void liveThroughAHub() throws Exception {
        assertTrue(TodoDemo.run(work, true), "the demo reports convergence");
        assertSameTodos();
    }

    /** Read with plain SQLite after the replicas stopped: what the verdict was judged on is what the files hold. */
    private void assertSameTodos() throws SQLException {
        String alice = todos("alice");
        assertTrue(alice.contains("bob-3") && !alice.contains("bob-2|") && alice.contains("alice-1|Buy oat milk|1|the 2 litre pack"),
                () -> "every replica's last edits are in: " + alice);
        assertEquals(alice, todos("bob"));
        assertEquals(alice, todos("carol"));
    }

    private String todos(String name) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + work.resolve(name + ".db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, title, done, note FROM todo ORDER BY id")) {
            while (rs.next()) b.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getInt(3)).append('|').append(rs.getString(4)).append('\n');
        }
        return b.toString();
    }
}
