package io.syncsqlite.demo;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One replica of the live demo, in its own JVM: a todo app using plain JDBC on {@code jdbc:syncsqlite:} that syncs
 * through a shared folder. It adds its todos, waits until every replica has (a barrier), then edits the same rows the others
 * edit at the same moment, and prints its view after every sync that changes it. Lines starting with {@code @} are
 * for {@link TodoDemo}: {@code @STATE <hash> <finished>} after each round, the hash of its todo table and how many
 * replicas it knows to have finished their edits (a row in {@code finished}, committed with each replica's last
 * edits), so a state can be told from one printed before somebody's last edit arrived.
 * <p>
 * Arguments: name, database file, and where to sync: a shared folder, or the {@code ws://} address of a hub (the
 * demo's own; the token comes from the environment, {@code SYNCSQLITE_TOKEN}, as it should in an application).
 */
public final class TodoReplica {
    private static final int REPLICAS = 3;
    private static final long WAIT_MILLIS = 120_000;

    private final String name;
    private final Connection conn;
    private final BlockingQueue<SyncEvent> events = new LinkedBlockingQueue<>();
    private volatile boolean quit;
    private String lastView = "";

    private TodoReplica(String name, Connection conn) {
        this.name = name;
        this.conn = conn;
    }

    public static void main(String[] args) throws Exception {
        // the schema first, as an app's migrations would: remote changes for a table not created yet would wait as pending
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + args[1]); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS todo(id TEXT PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, note TEXT)");
            // the barrier before the concurrent edits: one row per replica, never deleted (see run())
            s.execute("CREATE TABLE IF NOT EXISTS ready(name TEXT PRIMARY KEY)");
            // after the edits: one row per replica, committed together with its last edits
            s.execute("CREATE TABLE IF NOT EXISTS finished(name TEXT PRIMARY KEY)");
        }
        String url = "jdbc:syncsqlite:" + args[1] + "?" + transport(args[2]) + "&sync.namespace=todo-demo&sync.interval=300ms";
        try (Connection c = DriverManager.getConnection(url)) {
            new TodoReplica(args[0], c).run();
        }
    }

    private static String transport(String where) {
        return where.startsWith("ws://") ? "sync.transport=ws&sync.url=" + where : "sync.transport=nas&sync.dir=" + where;
    }

    private void run() throws Exception {
        SyncConnection sync = conn.unwrap(SyncConnection.class);
        sync.addListener(events::add); // called on the engine thread: only hand the event over
        Thread stdin = new Thread(this::awaitQuit, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        say("site " + sync.siteId() + ", database " + conn.getMetaData().getURL());

        List<String> mine = switch (name) {
            case "alice" -> List.of("Buy milk", "Book the dentist");
            case "bob" -> List.of("Fix the bike", "Call mum");
            default -> List.of("Water the plants", "Pay the rent");
        };
        // my todos and my row in "ready" commit together, so whoever sees my ready row has my todos too. Waiting for
        // three ready rows is a real barrier: unlike counting todos, which a faster replica's delete can undo, nobody
        // ever removes a ready row, so every replica passes it however slow the machine is
        conn.setAutoCommit(false);
        for (int i = 0; i < mine.size(); i++) update("INSERT INTO todo(id, title) VALUES (?, ?)", name + "-" + (i + 1), mine.get(i));
        update("INSERT INTO ready(name) VALUES (?)", name);
        conn.commit();
        conn.setAutoCommit(true);
        say("added my " + mine.size() + " todos; waiting to see everyone's");
        showViewIfChanged();
        while (readyReplicas() < REPLICAS) nextRound();
        // the engine applies before it reports: print the rounds already done before editing
        for (SyncEvent e = events.poll(); e != null; e = events.poll()) handle(e);

        // everybody edits at once: different columns of one row all survive, the same cell gets one winner; the edits
        // and this replica's row in "finished" commit together, so whoever sees that row has all of them
        conn.setAutoCommit(false);
        switch (name) {
            case "alice" -> {
                update("UPDATE todo SET done = 1 WHERE id = ?", "alice-1");
                say("edit: ticked off alice-1");
            }
            case "bob" -> {
                update("UPDATE todo SET title = ? WHERE id = ?", "Buy oat milk", "alice-1");
                update("INSERT INTO todo(id, title) VALUES (?, ?)", "bob-3", "Oil the chain");
                say("edit: renamed alice-1, added bob-3");
            }
            default -> {
                update("UPDATE todo SET note = ? WHERE id = ?", "the 2 litre pack", "alice-1");
                update("DELETE FROM todo WHERE id = ?", "bob-2");
                say("edit: noted alice-1, deleted bob-2");
            }
        }
        update("UPDATE todo SET title = ? WHERE id = ?", "Water the plants (" + name + " wins)", "carol-1");
        update("INSERT INTO finished(name) VALUES (?)", name);
        conn.commit();
        conn.setAutoCommit(true);
        say("edit: everyone renames carol-1 at the same time; the last writer will win everywhere");
        showViewIfChanged();
        while (!quit) nextRound();
    }

    /** Waits for the next completed round, printing it when it moved changes, then the view when it changed. */
    private void nextRound() throws Exception {
        SyncEvent e = events.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (e == null) throw new IllegalStateException(name + ": no sync round for " + WAIT_MILLIS + " ms");
        handle(e);
    }

    private void handle(SyncEvent e) throws Exception {
        switch (e.type()) {
            case COMPLETED -> {
                var r = e.result();
                if (r.pushed() > 0 || r.pulled() > 0) {
                    say(String.format("sync: published %d changes, pulled %d, applied %d (%d ms)", r.pushed(), r.pulled(), r.applied(), r.duration().toMillis()));
                }
                showViewIfChanged();
                System.out.println("@STATE " + hash(view()) + " " + count("finished"));
            }
            case CHANGED -> {
                // what an app does to refresh its view: the event names the tables remote changes just wrote
                say("changed remotely: " + e.tables());
                showViewIfChanged();
            }
            case FAILED, ERROR, CONFLICT -> say(e.type() + ": " + e.message());
            default -> {
                // started and progress events: the completed line sums them up
            }
        }
    }

    private void showViewIfChanged() throws SQLException {
        String view = view();
        if (view.equals(lastView)) return;
        lastView = view;
        long n = view.lines().count();
        say("view (" + n + " todos):");
        view.lines().forEach(l -> say("  " + l));
    }

    private String view() throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT id, title, done, note FROM todo ORDER BY id")) {
            while (rs.next()) {
                b.append(rs.getInt(3) == 1 ? "[x] " : "[ ] ").append(String.format("%-8s %s", rs.getString(1), rs.getString(2)));
                if (rs.getString(4) != null) b.append("  (").append(rs.getString(4)).append(')');
                b.append('\n');
            }
        }
        return b.toString();
    }

    private int readyReplicas() throws SQLException {
        return count("ready");
    }

    private int count(String table) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void update(String sql, String... params) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            ps.executeUpdate();
        }
    }

    private void awaitQuit() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                // only "quit" (or the end of input) ends the replica
            }
        } catch (java.io.IOException ignored) {
            // the demo went away: stop as well
        }
        quit = true;
    }

    private static String hash(String view) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(view.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
