package io.syncsqlite.tck.fault;

import io.syncsqlite.SyncConnection;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.BusyHandler;

/**
 * The main class of an application process for {@link WriteFirstTransactionsIT}, over one connection (the URL given,
 * {@code jdbc:sqlite:} or {@code jdbc:syncsqlite:}) that waits for locks with a busy handler of its own, as
 * {@code busy_timeout} would, and says so: the first time SQLite calls it during a {@code TX} command it prints
 * {@code WAITING}. Commands ({@link CommandLoop}):
 * <ul>
 * <li>{@code HOLD <sql>} — begins a transaction ({@code setAutoCommit(false)}) and runs a write, keeping it open;</li>
 * <li>{@code RELEASE} — commits it;</li>
 * <li>{@code SYNC} — {@code syncNow()} (through the driver only): the process holds its file's sync lease;</li>
 * <li>{@code TX <sql>\t<sql>…} — one deferred transaction with these statements, committed. A statement starting with
 * {@code ?} is prepared inside the transaction, one with {@code +} is a batch of statements separated by {@code ;;};</li>
 * <li>{@code SQL <sql>\t<sql>…} — the same statements in auto-commit mode: a transaction begun and ended in SQL.</li>
 * </ul>
 */
public final class WriteFirstProcess {
    /** How long the busy handler lets a statement wait, as a generous {@code busy_timeout} would. */
    private static final long WAIT_BOUND_NANOS = 60_000_000_000L;

    private WriteFirstProcess() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Announcer announcer = new Announcer(out);
        try (Connection c = DriverManager.getConnection(args[0])) {
            BusyHandler.setHandler(c, announcer);
            CommandLoop.serve(out, (command, arg) -> run(c, announcer, command, arg));
        }
    }

    private static String run(Connection c, Announcer announcer, String command, String arg) throws SQLException {
        switch (command) {
            case "HOLD":
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate(arg);
                }
                return "holding";
            case "RELEASE":
                c.commit();
                c.setAutoCommit(true);
                return "released";
            case "SYNC":
                return c.unwrap(SyncConnection.class).syncNow().toString();
            case "TX":
                announcer.arm();
                JdbcTransaction.run(c, true, () -> {
                    for (String sql : arg.split("\t")) statement(c, sql);
                });
                return "committed";
            case "SQL":
                announcer.arm();
                try {
                    for (String sql : arg.split("\t")) statement(c, sql);
                } catch (SQLException e) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ROLLBACK"); // the transaction begun in SQL ends with the failure, as the application would end it
                    } catch (SQLException none) {
                        e.addSuppressed(none);
                    }
                    throw e;
                }
                return "committed";
            default:
                throw new IllegalArgumentException("unknown command " + command);
        }
    }

    private static void statement(Connection c, String sql) throws SQLException {
        if (sql.startsWith("?")) {
            try (PreparedStatement ps = c.prepareStatement(sql.substring(1))) {
                ps.executeUpdate();
            }
            return;
        }
        try (Statement s = c.createStatement()) {
            if (sql.startsWith("+")) {
                for (String entry : sql.substring(1).split(";;")) s.addBatch(entry);
                s.executeBatch();
            } else {
                s.executeUpdate(sql);
            }
        }
    }

    /** The application's busy handler: keeps SQLite retrying (as {@code busy_timeout} does) and tells when it first waits. */
    private static final class Announcer extends BusyHandler {
        private final PrintStream out;
        private boolean armed;
        private long since;

        Announcer(PrintStream out) {
            this.out = out;
        }

        synchronized void arm() {
            armed = true;
        }

        @Override
        protected synchronized int callback(int previousCalls) {
            if (previousCalls == 0) since = System.nanoTime();
            if (armed) {
                armed = false;
                out.println("WAITING");
            }
            if (System.nanoTime() - since > WAIT_BOUND_NANOS) return 0;
            try {
                Thread.sleep(1); // what SQLite's own busy_timeout handler does between two tries
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            return 1;
        }
    }
}
