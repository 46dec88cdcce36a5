package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Base of every per-interface compliance class: each subclass lists its {@link Case}s in a static {@code cases()}
 * method; every case runs on a fresh temp file through {@code jdbc:sqlite:} and through {@code jdbc:syncsqlite:} and
 * the two traces must be identical, line by line (values, update counts, keys, exception class, SQLState, message).
 */
abstract class TckSuite {
    private static final AtomicInteger SEQ = new AtomicInteger();
    /** The site id of each case's syncsqlite database: its INTEGER PRIMARY KEY keys carry that site's tag. */
    private static final Map<Case, String> SITES = new java.util.concurrent.ConcurrentHashMap<>();

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameOnBothDrivers(Case c) {
        Map<Flavor, List<String>> traces = runOnBoth(c);
        List<String> sqlite = traces.get(Flavor.SQLITE);
        if (Boolean.getBoolean("tck.printTraces")) System.out.println(c + "\n  " + String.join("\n  ", sqlite)); // -Dtck.printTraces=true
        assertFalse(sqlite.isEmpty(), "the case observed nothing");
        List<String> sync = RowidKeys.align(sqlite, traces.get(Flavor.SYNCSQLITE), SITES.get(c));
        assertEquals(String.join("\n", sqlite), String.join("\n", sync),
                "jdbc:syncsqlite: must behave exactly as jdbc:sqlite:");
    }

    static Map<Flavor, List<String>> runOnBoth(Case c) {
        Map<Flavor, List<String>> out = new EnumMap<>(Flavor.class);
        for (Flavor f : Flavor.values()) out.put(f, run(f, c));
        return out;
    }

    private static List<String> run(Flavor flavor, Case c) {
        Path file = newFile(flavor);
        Trace t = new Trace(file.toString());
        try (Connection conn = DriverManager.getConnection(flavor.prefix + file + c.urlParams())) {
            if (flavor == Flavor.SYNCSQLITE) SITES.put(c, conn.unwrap(io.syncsqlite.SyncConnection.class).siteId());
            try {
                c.scenario().run(conn, t);
            } catch (Exception e) {
                t.uncaught(e);
            }
        } catch (Exception e) {
            // opening (or closing) failed: that is the observation
            t.add("connect/close", () -> {
                throw e;
            });
        }
        return t.lines();
    }

    static Path newFile(Flavor flavor) {
        return dir.resolve(flavor.name().toLowerCase() + "-" + SEQ.incrementAndGet() + ".db");
    }

    /** Opens a fresh database through {@code flavor}. */
    static Connection open(Flavor flavor) throws SQLException {
        return DriverManager.getConnection(flavor.prefix + newFile(flavor));
    }

    /** A second connection to {@code c}'s database through the same driver, with extra xerial URL parameters. */
    static Connection sibling(Connection c, String params) throws SQLException {
        String url = c.getMetaData().getURL(); // jdbc:sqlite:<file> on both drivers
        String target = url.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "");
        String prefix = c.isWrapperFor(io.syncsqlite.SyncConnection.class) ? Flavor.SYNCSQLITE.prefix : Flavor.SQLITE.prefix;
        return DriverManager.getConnection(prefix + target + params);
    }

    /** Runs each statement on a fresh {@link Statement}. */
    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }
}
