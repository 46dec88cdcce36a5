package io.syncsqlite.hub;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for the tests (binaries from Maven Central, no Docker), started once per test JVM on a
 * loopback port and stopped when the JVM exits; each test takes a database of its own.
 */
public final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start(); // stopped by its own shutdown hook
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test PostgreSQL", e);
            }
        }
        return server;
    }

    /** A new, empty database; returns its name. */
    public static String newDatabase() throws SQLException {
        String name = "hub" + DATABASES.incrementAndGet();
        admin("CREATE DATABASE " + name);
        return name;
    }

    /** The JDBC URL of {@code database}. */
    public static String url(String database) {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/" + database;
    }

    /** A store over {@code database} as the server's superuser. */
    public static PostgresHubStore open(String database) throws SQLException {
        return new PostgresHubStore(url(database), "postgres", null);
    }

    /** {@code database} as a hub's {@code --store}, as the server's superuser. */
    public static HubConfig.Store store(String database) {
        return new HubConfig.Store(url(database), "postgres", null);
    }

    /** Runs {@code sql} (e.g. CREATE / DROP DATABASE) on the server's maintenance database. */
    public static void admin(String... sql) throws SQLException {
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }
}
