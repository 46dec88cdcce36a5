package io.syncsqlite.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncsqlite.FailingTransportProvider;
import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncStatus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file's numbers, the same in status(), its JMX MBean and its Micrometer meters; and without Micrometer. */
class MetricsTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path dir;

    @Test
    void statusJmxAndMicrometerShowTheSameTraffic() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        try {
            String ns = "metrics-" + UUID.randomUUID();
            Path a = dir.resolve("a.db").toAbsolutePath();
            Path b = dir.resolve("b.db").toAbsolutePath();
            try (Connection ca = DriverManager.getConnection(url(a, ns)); Connection cb = DriverManager.getConnection(url(b, ns))) {
                for (Connection c : List.of(ca, cb)) exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                exec(ca, "INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')");
                ca.unwrap(SyncConnection.class).syncNow();
                cb.unwrap(SyncConnection.class).syncNow();
                SyncStatus sa = ca.unwrap(SyncConnection.class).status();
                SyncStatus sb = cb.unwrap(SyncConnection.class).status();
                assertTrue(sa.changesSent() >= 3, sa.toString());
                assertEquals(sa.changesSent(), sb.changesReceived(), "b received what a sent");
                assertEquals(0, sa.unpublished());
                assertEquals(0, sa.pending());
                assertNotNull(sa.lastSuccess());
                assertTrue(sa.lag().toSeconds() < 60);

                ObjectName name = MetricsExport.objectName(a);
                assertEquals(sa.changesSent(), JMX.getAttribute(name, "ChangesSent"));
                assertEquals(sb.changesReceived(), JMX.getAttribute(MetricsExport.objectName(b), "ChangesReceived"));
                assertEquals("memory", JMX.getAttribute(name, "Transport"));
                assertEquals(0L, JMX.getAttribute(name, "UnpublishedChanges"));
                assertNull(JMX.getAttribute(name, "LastError"));
                assertTrue((Double) JMX.getAttribute(name, "LagSeconds") >= 0);

                assertEquals(sa.changesSent(), registry.get("syncsqlite.changes.sent").tag("file", a.toString()).functionCounter().count());
                assertEquals(sb.changesReceived(), registry.get("syncsqlite.changes.received").tag("file", b.toString()).functionCounter().count());
                assertEquals(0, registry.get("syncsqlite.unpublished").tag("file", a.toString()).gauge().value());
                assertEquals(0, registry.get("syncsqlite.failing").tag("file", a.toString()).gauge().value());
            }
            // the last connection closed: the engine stopped, and its MBean and meters are gone
            assertTrue(!JMX.isRegistered(MetricsExport.objectName(a)));
            assertTrue(registry.find("syncsqlite.changes.sent").tag("file", a.toString()).functionCounters().isEmpty());
        } finally {
            Metrics.removeRegistry(registry);
        }
    }

    @Test
    void aFailingRoundShowsItsErrorAndWhatWaits() throws Exception {
        Path f = dir.resolve("failing.db").toAbsolutePath();
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + f + "?sync.transport=failing&sync.interval=1h")) {
            exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            exec(c, "INSERT INTO t VALUES (1, 'x'), (2, 'y')");
            // every round fails until the queue is cleared: the backoff's next rounds fail too
            for (int i = 0; i < 10_000; i++) FailingTransportProvider.FAILURES.add(new IOException("hub unreachable (test)"));
            assertThrows(SQLException.class, () -> c.unwrap(SyncConnection.class).syncNow());
            SyncStatus s = c.unwrap(SyncConnection.class).status();
            assertTrue(s.lastError().contains("hub unreachable (test)"), s.toString());
            assertEquals(2, s.unpublished(), "the failing transport publishes nothing: " + s);
            ObjectName name = MetricsExport.objectName(f);
            assertEquals(2L, JMX.getAttribute(name, "UnpublishedChanges"));
            assertTrue(((String) JMX.getAttribute(name, "LastError")).contains("hub unreachable (test)"));
            assertTrue(List.of("OFFLINE", "SYNCING").contains((String) JMX.getAttribute(name, "State")));
        } finally {
            FailingTransportProvider.FAILURES.clear();
        }
    }

    /** Micrometer is optional: in a JVM without it on the classpath, the driver syncs and its MBean counts. */
    @Test
    void withoutMicrometerOnTheClasspath() throws Exception {
        List<String> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.contains("micrometer")) cp.add(entry);
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(java.io.File.pathSeparator, cp), MetricsProcess.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("micrometer absent; "), out);
        assertTrue(out.contains("sent 3, received 3, jmx 3"), out);
    }

    private static String url(Path file, String ns) {
        return MetricsProcess.url(file, ns);
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        MetricsProcess.exec(c, sql);
    }
}
