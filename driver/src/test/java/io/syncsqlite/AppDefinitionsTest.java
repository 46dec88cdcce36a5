package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.Collation;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * Issue 20 case 8: functions and collations the application registers with xerial ({@code Collation.create},
 * {@code Function.create}) on its own connection reach the file's sync engine, so remote changes to tables whose
 * UNIQUE index, index expression, CHECK, generated column or trigger uses them arrive instead of waiting for good.
 * Replicas exchange through the memory transport.
 */
class AppDefinitionsTest {
    @TempDir
    Path dir;

    /** Orders by urgency words: "low" < "normal" < "high", case-insensitively; anything else after them, by text. */
    static final class Urgency extends Collation {
        @Override
        protected int xCompare(String a, String b) {
            int c = Integer.compare(rank(a), rank(b));
            return c != 0 ? c : a.toLowerCase(Locale.ROOT).compareTo(b.toLowerCase(Locale.ROOT));
        }

        private static int rank(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "low" -> 0;
                case "normal" -> 1;
                case "high" -> 2;
                default -> 3;
            };
        }
    }

    /** urg(score): how urgent a score is (score × 10), deterministic so SQLite lets indexes and generated columns use it. */
    static final class Urg extends Function {
        @Override
        protected void xFunc() throws SQLException {
            result(value_long(0) * 10);
        }
    }

    /** joined(x): the texts it was stepped with, in the order it was stepped (so any reordering shows). */
    static final class Joined extends Function.Aggregate {
        private StringBuilder seen = new StringBuilder();

        @Override
        protected void xStep() throws SQLException {
            seen.append(seen.isEmpty() ? "" : "+").append(value_text(0));
        }

        @Override
        protected void xFinal() throws SQLException {
            result(seen.toString());
        }

        @Override
        public Object clone() throws CloneNotSupportedException {
            Joined group = (Joined) super.clone();
            group.seen = new StringBuilder();
            return group;
        }
    }

    /** moving(x): a window function summing its frame, keeping the sum as rows enter and leave it. */
    static final class Moving extends Function.Window {
        private long sum;

        @Override
        protected void xStep() throws SQLException {
            sum += value_long(0);
        }

        @Override
        protected void xInverse() throws SQLException {
            sum -= value_long(0);
        }

        @Override
        protected void xValue() throws SQLException {
            result(sum);
        }

        @Override
        protected void xFinal() throws SQLException {
            result(sum);
        }
    }

    /** Whenever an item arrives, its trigger writes the application's aggregate and window function over all items. */
    private static final String ITEM_SUMMARY = "SELECT (SELECT joined(name) FROM (SELECT name FROM item ORDER BY score DESC)),"
            + " (SELECT group_concat(m, ' ') FROM (SELECT moving(score) OVER (ORDER BY score ROWS 1 PRECEDING) AS m FROM item ORDER BY score)),"
            + " (SELECT joined(name) FROM item WHERE 0)";

    private static void itemSchema(Connection c) throws SQLException {
        Function.create(c, "joined", new Joined(), 1, Function.FLAG_DETERMINISTIC);
        Function.create(c, "moving", new Moving(), 1);
        Twins.exec(c, "CREATE TABLE item(id TEXT PRIMARY KEY, name TEXT, score INTEGER)",
                "CREATE TABLE summary(id INTEGER PRIMARY KEY, ranked TEXT, pairs TEXT, none TEXT)",
                "CREATE TRIGGER item_summary AFTER INSERT ON item BEGIN INSERT OR REPLACE INTO summary(id, ranked, pairs, none) SELECT 1, "
                        + ITEM_SUMMARY.substring("SELECT ".length()) + "; END");
    }

    private String url(String name, String ns) {
        return "jdbc:syncsqlite:" + dir.resolve(name + ".db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    private static void tagSchema(Connection c) throws SQLException {
        Collation.create(c.unwrap(SQLiteConnection.class), "urgency", new Urgency()); // through unwrap, as xerial's docs show
        Twins.exec(c, "CREATE TABLE tags(id TEXT PRIMARY KEY, name TEXT, UNIQUE(name COLLATE urgency))");
    }

    private static void taskSchema(Connection c) throws SQLException {
        Function.create(c, "urg", new Urg(), 1, Function.FLAG_DETERMINISTIC);
        Twins.exec(c, "CREATE TABLE task(id TEXT PRIMARY KEY, score INTEGER CHECK (urg(score) < 1000),"
                        + " urgency INTEGER GENERATED ALWAYS AS (urg(score)) VIRTUAL)",
                "CREATE INDEX task_by_urg ON task(urg(score))",
                "CREATE TRIGGER task_too_urgent BEFORE INSERT ON task WHEN urg(NEW.score) > 500 BEGIN SELECT RAISE(ABORT, 'too urgent'); END");
    }

    @Test
    void remoteRowsOfATableWithAnApplicationCollationInItsUniqueConstraintArrive() throws Exception {
        String ns = "coll-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a", ns)); Connection b = DriverManager.getConnection(url("b", ns))) {
            tagSchema(a);
            tagSchema(b);
            arriveWithoutWaiting(b, a, "INSERT INTO tags VALUES ('t1', 'High')", "INSERT INTO tags VALUES ('t2', 'low')", "INSERT INTO tags VALUES ('t3', 'Normal')");
            assertEquals(" SELECT name FROM tags ORDER BY name COLLATE urgency -> low; Normal; High;\n",
                    Twins.query(a, "SELECT name FROM tags ORDER BY name COLLATE urgency"));
        }
    }

    @Test
    void remoteRowsOfATableWhoseIndexCheckGeneratedColumnAndTriggerUseAnApplicationFunctionArrive() throws Exception {
        String ns = "func-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a", ns)); Connection b = DriverManager.getConnection(url("b", ns))) {
            taskSchema(a);
            taskSchema(b);
            Twins.exec(b, "INSERT INTO task(id, score) VALUES ('x', 7)", "INSERT INTO task(id, score) VALUES ('y', 42)");
            b.unwrap(SyncConnection.class).syncNow();
            a.unwrap(SyncConnection.class).syncNow();
            assertEquals(" SELECT id, urgency FROM task WHERE urg(score) > 0 ORDER BY urg(score) -> x 70; y 420;\n",
                    Twins.query(a, "SELECT id, urgency FROM task WHERE urg(score) > 0 ORDER BY urg(score)"));
            assertEquals(" PRAGMA integrity_check -> ok;\n", Twins.query(a, "PRAGMA integrity_check"));
        }
    }

    @Test
    void remoteRowsOfATableWhoseTriggerUsesAnApplicationAggregateAndWindowFunctionArrive() throws Exception {
        String ns = "agg-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a", ns)); Connection b = DriverManager.getConnection(url("b", ns))) {
            itemSchema(a);
            itemSchema(b);
            arriveWithoutWaiting(b, a, "INSERT INTO item VALUES ('i1', 'low', 1), ('i2', 'high', 30), ('i3', 'mid', 5)");
            assertEquals(" SELECT count(*) FROM item -> 3;\n", Twins.query(a, "SELECT count(*) FROM item"));
            // the trigger ran on the engine's connection for each arriving row; its last run saw all three, in order
            assertEquals(" SELECT ranked, pairs, none FROM summary -> high+mid+low 1 6 35 ;\n", Twins.query(a, "SELECT ranked, pairs, none FROM summary"));
            assertEquals(Twins.query(a, ITEM_SUMMARY).substring(ITEM_SUMMARY.length() + 1), Twins.query(b, ITEM_SUMMARY).substring(ITEM_SUMMARY.length() + 1),
                    "the application's own connection computes the same");
        }
    }

    /** Runs {@code writes} on {@code from}, syncs it and then {@code to}, and checks nothing waits on {@code to}. */
    private static void arriveWithoutWaiting(Connection from, Connection to, String... writes) throws SQLException {
        List<SyncEvent> events = new CopyOnWriteArrayList<>();
        to.unwrap(SyncConnection.class).addListener(events::add);
        Twins.exec(from, writes);
        from.unwrap(SyncConnection.class).syncNow();
        to.unwrap(SyncConnection.class).syncNow();
        assertTrue(events.stream().noneMatch(e -> e.type() == SyncEvent.Type.ERROR), "no event: " + events);
        assertEquals(" SELECT count(*) FROM _syncsqlite_pending -> 0;\n", Twins.query(to, "SELECT count(*) FROM _syncsqlite_pending"));
    }

    @Test
    void aDefinitionNoOpenConnectionRegistersWaitsWithItsEventUntilOneDoes() throws Exception {
        String ns = "gone-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a", ns)); Connection b = DriverManager.getConnection(url("b", ns))) {
            Connection a2 = DriverManager.getConnection(url("a", ns));
            tagSchema(a2);
            tagSchema(b);
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            a.unwrap(SyncConnection.class).addListener(events::add);
            a2.close(); // the only connection of a that registered the collation
            Twins.exec(b, "INSERT INTO tags VALUES ('t1', 'high')");
            b.unwrap(SyncConnection.class).syncNow();
            a.unwrap(SyncConnection.class).syncNow();
            assertTrue(events.stream().anyMatch(e -> e.type() == SyncEvent.Type.ERROR && e.message().contains("urgency")), "an ERROR naming it: " + events);

            Collation.create(a, "urgency", new Urgency());
            a.unwrap(SyncConnection.class).syncNow();
            assertEquals(" SELECT name FROM tags -> high;\n", Twins.query(a, "SELECT name FROM tags"));
        }
    }
}
