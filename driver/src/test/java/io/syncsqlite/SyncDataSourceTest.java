package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver as a DataSource: bean properties for the file and the sync.* options, also through HikariCP by class name. */
class SyncDataSourceTest {
    @TempDir
    Path dir;

    @Test
    void hikariInstantiatesItByClassNameAndSetsItsProperties() throws Exception {
        Properties props = new Properties();
        props.setProperty("dataSourceClassName", SyncDataSource.class.getName());
        props.setProperty("dataSource.file", dir.resolve("pooled.db").toString());
        props.setProperty("dataSource.syncTransport", "memory");
        String ns = "ds-" + System.nanoTime();
        props.setProperty("dataSource.syncNamespace", ns);
        props.setProperty("dataSource.syncInterval", "1h");
        props.setProperty("maximumPoolSize", "2");
        try (HikariDataSource pool = new HikariDataSource(new HikariConfig(props)); Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id TEXT PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO t VALUES ('a', 'b')");
            SyncConnection sync = c.unwrap(SyncConnection.class);
            assertEquals("memory", sync.status().transport());
            sync.syncNow();
            // the settings took effect: a replica on the same transport and namespace receives the row
            try (Connection other = java.sql.DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("other.db")
                    + "?sync.transport=memory&sync.interval=1h&sync.namespace=" + ns); Statement o = other.createStatement()) {
                o.execute("CREATE TABLE t(id TEXT PRIMARY KEY, v TEXT)");
                other.unwrap(SyncConnection.class).syncNow();
                try (var rs = o.executeQuery("SELECT v FROM t WHERE id = 'a'")) {
                    assertTrue(rs.next());
                    assertEquals("b", rs.getString(1));
                }
            }
        }
    }

    @Test
    void badSettingsFailTheConnectionNamingTheKey() {
        SyncDataSource ds = new SyncDataSource();
        ds.setFile(dir.resolve("bad.db").toString());
        ds.setSyncInterval("soon");
        SQLException e = assertThrows(SQLException.class, ds::getConnection);
        assertTrue(e.getMessage().contains("sync.interval"), e.getMessage());
        SQLException missing = assertThrows(SQLException.class, new SyncDataSource()::getConnection);
        assertTrue(missing.getMessage().contains("file"), missing.getMessage());
    }
}
