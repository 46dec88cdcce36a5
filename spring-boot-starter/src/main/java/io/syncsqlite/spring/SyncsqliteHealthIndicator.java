package io.syncsqlite.spring;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncStatus;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The sync state of the application's {@code jdbc:syncsqlite:} database: {@code UP} while rounds succeed (or the file
 * only captures), {@code DOWN} while they fail — the application keeps working on its local data, and nothing is lost,
 * but its changes do not reach other replicas. Details: state, transport, last success, lag, unpublished and pending
 * changes, dead letters, conflicts, last error.
 */
public final class SyncsqliteHealthIndicator extends AbstractHealthIndicator {
    private final DataSource dataSource;

    public SyncsqliteHealthIndicator(DataSource dataSource) {
        super("syncsqlite health check failed");
        this.dataSource = dataSource;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws SQLException {
        SyncStatus s;
        try (Connection c = dataSource.getConnection()) {
            s = c.unwrap(SyncConnection.class).status();
        }
        (s.lastError() == null ? builder.up() : builder.down())
                .withDetail("state", s.state().name())
                .withDetail("transport", s.transport() == null ? "none (capture only)" : s.transport())
                .withDetail("lastSuccess", s.lastSuccess() == null ? "never" : s.lastSuccess().toString())
                .withDetail("lagSeconds", s.lag() == null ? -1 : s.lag().toSeconds())
                .withDetail("unpublished", s.unpublished())
                .withDetail("pending", s.pending())
                .withDetail("deadLetters", s.deadLetters())
                .withDetail("conflicts", s.conflicts());
        if (s.lastError() != null) builder.withDetail("lastError", s.lastError());
    }
}
