package io.syncsqlite.metrics;

import io.syncsqlite.SyncConnection;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/** Run by {@link MetricsTest} in a JVM without Micrometer: syncs two replicas and prints what the metrics say. */
public final class MetricsProcess {
    private MetricsProcess() {
    }

    static String url(Path file, String ns) {
        return "jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    static void exec(Connection c, String... sql) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            Class.forName("io.micrometer.core.instrument.Metrics");
            throw new IllegalStateException("Micrometer is on the classpath");
        } catch (ClassNotFoundException expected) {
            System.out.print("micrometer absent; ");
        }
        Path a = Path.of(args[0], "np-a.db").toAbsolutePath();
        Path b = Path.of(args[0], "np-b.db").toAbsolutePath();
        try (Connection ca = DriverManager.getConnection(url(a, "np")); Connection cb = DriverManager.getConnection(url(b, "np"))) {
            for (Connection c : new Connection[] {ca, cb}) exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY)");
            exec(ca, "INSERT INTO t VALUES (1), (2), (3)");
            ca.unwrap(SyncConnection.class).syncNow();
            cb.unwrap(SyncConnection.class).syncNow();
            Object jmx = ManagementFactory.getPlatformMBeanServer().getAttribute(MetricsExport.objectName(a), "ChangesSent");
            System.out.println("sent " + ca.unwrap(SyncConnection.class).status().changesSent() + ", received "
                    + cb.unwrap(SyncConnection.class).status().changesReceived() + ", jmx " + jmx);
        }
    }
}
