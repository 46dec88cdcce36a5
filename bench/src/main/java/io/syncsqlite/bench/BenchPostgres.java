package io.syncsqlite.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL server of the hub rows over PostgreSQL: started on a loopback port when the first such row runs
 * (binaries from Maven Central, no Docker), one database per hub setup, stopped when the bench ends.
 */
final class BenchPostgres implements AutoCloseable {
    /** The server's superuser, as the hubs log in. */
    static final String USER = "postgres";

    private EmbeddedPostgres server;
    private int databases;

    /** A new, empty database; returns its JDBC URL. */
    String newDatabase() throws IOException, SQLException {
        if (server == null) server = EmbeddedPostgres.builder().start();
        String name = "bench" + ++databases;
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + name;
    }

    @Override
    public void close() throws IOException {
        if (server != null) server.close();
    }
}
