package io.syncsqlite.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.Instrumenter;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.config.SyncConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing happens once per SQL string and only for INSERTs; what cannot be rewritten runs unchanged, reported once. */
class KeyedInsertsTest {
    @TempDir
    Path dir;
    Connection raw;
    KeyedInserts keys;
    KeyedInserts.SchemaSource schema;
    final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    final Logger jul = Logger.getLogger(KeyedInserts.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel() == Level.WARNING) warnings.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void open() throws SQLException {
        raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("k.db"));
        try (Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT)");
            s.execute("CREATE TABLE tag(name TEXT PRIMARY KEY)");
        }
        Instrumenter instrumenter = new Instrumenter(SyncConfig.of(Map.of()), w -> { });
        CaptureSchema captured = instrumenter.instrument(raw);
        schema = c -> captured;
        keys = new KeyedInserts(MetaTables.localSiteId(raw), false, 0);
        jul.addHandler(capture);
    }

    @AfterEach
    void close() throws SQLException {
        jul.removeHandler(capture);
        raw.close();
    }

    @Test
    void eachSqlStringIsParsedOnceAndNonInsertsNever() throws SQLException {
        String insert = "INSERT INTO parent(name) VALUES (?)";
        String first = keys.sqlFor(raw, insert, schema);
        for (int i = 0; i < 100; i++) assertSame(first, keys.sqlFor(raw, insert, schema));
        assertTrue(first.contains(MetaTables.KEY_TAGS), "a key of the replica's block: " + first);
        assertEquals(1, keys.parsed());
        String select = "SELECT * FROM parent WHERE name = ?";
        assertSame(select, keys.sqlFor(raw, select, schema));
        String update = "UPDATE parent SET name = 'x'";
        assertSame(update, keys.sqlFor(raw, update, schema));
        assertEquals(1, keys.parsed());
    }

    @Test
    void insertsIntoTablesWithoutRowidKeyAreNotRewritten() throws SQLException {
        String sql = "INSERT INTO tag(name) VALUES (?)";
        assertSame(sql, keys.sqlFor(raw, sql, schema));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void unparseableInsertRunsUnchangedWithOneWarningPerShape() throws SQLException {
        for (String name : List.of("x", "y", "z")) {
            String sql = "INSERT INTO parent([name]) VALUES ('" + name + "')"; // SQLite accepts brackets, JSqlParser does not
            String out = keys.sqlFor(raw, sql, schema);
            assertSame(sql, out);
            try (Statement s = raw.createStatement()) {
                s.executeUpdate(out);
            }
        }
        assertEquals(1, warnings.size(), "one warning for one statement shape");
        assertTrue(warnings.get(0).getMessage().contains("not unique across replicas"), warnings.get(0).getMessage());
        try (Statement s = raw.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM parent")) {
            rs.next();
            assertEquals(3, rs.getInt(1));
        }
    }
}
