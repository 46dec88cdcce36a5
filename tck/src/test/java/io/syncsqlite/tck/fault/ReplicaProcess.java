package io.syncsqlite.tck.fault;

import io.syncsqlite.SyncConnection;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The main class of a replica in a child JVM, driven line by line over stdin; every command is answered with one line
 * on stdout, {@code OK <value>} or {@code ERR <message>}. Arguments: the {@code jdbc:syncsqlite:} URL, then the file
 * path for writers outside the driver. Commands:
 * <ul>
 * <li>{@code EXEC <sql>} — one statement through the driver (autocommit); answers the update count;</li>
 * <li>{@code TX COMMIT|ROLLBACK <sql>\t<sql>…} — statements in one transaction, then commit or roll back;</li>
 * <li>{@code PLAIN <sql>} — one statement through a plain {@code jdbc:sqlite:} connection to the same file;</li>
 * <li>{@code QUERY <sql>} — the first column of the first row;</li>
 * <li>{@code SYNC} — {@code syncNow()}.</li>
 * </ul>
 * End of input closes the connections (the engine's final push) and exits. Transactions are deferred (xerial's
 * default), as most applications' are: with two processes writing one file, each waits for the other's write lock on
 * the busy timeout, as on plain SQLite, only because the driver reads nothing inside an application's transaction
 * before its first statement ({@link WriteFirstTransactionsIT} checks that case by case).
 */
public final class ReplicaProcess {
    private ReplicaProcess() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Connection c = DriverManager.getConnection(args[0]); Connection plain = DriverManager.getConnection("jdbc:sqlite:" + args[1])) {
            try (Statement s = plain.createStatement()) {
                s.execute("PRAGMA busy_timeout = 30000");
            }
            CommandLoop.serve(out, (command, arg) -> run(c, plain, command, arg));
        }
    }

    private static String run(Connection c, Connection plain, String command, String arg) throws SQLException {
        switch (command) {
            case "EXEC":
                return Integer.toString(update(c, arg));
            case "PLAIN":
                return Integer.toString(update(plain, arg));
            case "TX": {
                int sep = arg.indexOf(' ');
                boolean commit = arg.substring(0, sep).equals("COMMIT");
                JdbcTransaction.run(c, commit, () -> {
                    for (String sql : arg.substring(sep + 1).split("\t")) update(c, sql);
                });
                return commit ? "committed" : "rolled back";
            }
            case "QUERY":
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(arg)) {
                    return rs.next() ? String.valueOf(rs.getObject(1)) : "none";
                }
            case "SYNC":
                return c.unwrap(SyncConnection.class).syncNow().toString();
            default:
                throw new IllegalArgumentException("unknown command " + command);
        }
    }

    private static int update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
