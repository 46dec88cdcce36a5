package io.syncsqlite.tck.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs open one database file (an app started twice, an app and a tool) and write at the same time while a third
 * replica syncs: exactly one of them syncs the file (the lease holder publishes the other's writes), so no row is lost.
 */
class TwoProcessesOneFileIT {
    private static final int ROWS_PER_PROCESS = 1500;
    private static final String SCHEMA = "CREATE TABLE item(id TEXT PRIMARY KEY, writer TEXT, n INTEGER)";

    @TempDir
    Path dir;

    @Test
    void throughASharedFolder() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        run(file -> "jdbc:syncsqlite:" + file + "?sync.transport=nas&sync.dir=" + share + "&sync.namespace=two&sync.interval=100ms");
    }

    @Test
    void throughTheHub() throws Exception {
        try (HubProcess hub = new HubProcess(dir.resolve("hub.db"), "two", dir)) {
            run(file -> "jdbc:syncsqlite:" + file + "?sync.transport=http&sync.url=" + hub.url() + "&sync.token=" + HubProcess.TOKEN
                    + "&sync.namespace=two&sync.interval=100ms&sync.timeout=5s");
        }
    }

    private interface Urls {
        String of(Path file);
    }

    private void run(Urls urls) throws Exception {
        Path shared = dir.resolve("shared.db");
        Path third = dir.resolve("third.db");
        for (Path p : List.of(shared, third)) {
            try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + p); Statement s = c.createStatement()) {
                s.execute(SCHEMA);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection c = DriverManager.getConnection(urls.of(third))) {
            List<Future<?>> writers = new ArrayList<>();
            for (String name : List.of("p1", "p2")) {
                writers.add(pool.submit(() -> {
                    try (ChildReplica p = new ChildReplica(name, urls.of(shared), shared, dir)) {
                        for (int batch = 0; batch < ROWS_PER_PROCESS / 50; batch++) {
                            StringBuilder tx = new StringBuilder("TX COMMIT ");
                            for (int i = 0; i < 50; i++) {
                                int n = batch * 50 + i;
                                tx.append(i == 0 ? "" : "\t").append("INSERT INTO item VALUES ('").append(name).append('-').append(n).append("', '").append(name).append("', ").append(n).append(')');
                            }
                            p.call(tx.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) w.get();
            try (Connection a = DriverManager.getConnection(urls.of(shared))) {
                Await.until("both replicas hold every row of both processes", Duration.ofSeconds(60), () -> count(a) == 2 * ROWS_PER_PROCESS && count(c) == 2 * ROWS_PER_PROCESS,
                        () -> "shared file " + count(a) + ", third replica " + count(c) + " of " + 2 * ROWS_PER_PROCESS);
                assertEquals(dump(a), dump(c));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM item")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String dump(Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, writer, n FROM item ORDER BY id")) {
            while (rs.next()) b.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getLong(3)).append('\n');
        }
        return b.toString();
    }
}
