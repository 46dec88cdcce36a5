package io.syncsqlite.spi;

import io.syncsqlite.config.SyncConfig;
import java.sql.SQLException;
import java.util.Set;

/**
 * Creates transports of one kind; found with {@link java.util.ServiceLoader} by the {@code sync.transport} name.
 * Register an implementation in {@code META-INF/services/io.syncsqlite.spi.TransportProvider}.
 */
public interface TransportProvider {
    /** The value of {@code sync.transport} that selects this provider. */
    String name();

    /** The {@code sync.*} keys this transport reads besides the core ones; any other key fails {@code connect()}. */
    Set<String> parameters();

    /** What {@code key} (one of {@link #parameters()}) means, for {@code Driver.getPropertyInfo}. */
    default String describe(String key) {
        return "a setting of sync.transport=" + name();
    }

    /**
     * Checks this transport's settings when a connection opens, before anything is synced: throws an
     * {@link SQLException} naming the key and the accepted values when one is wrong. Touches neither disk nor network.
     */
    void validate(SyncConfig config) throws SQLException;

    /**
     * Opens a transport for one database file (its settings already validated); must not block on the network
     * (connect lazily in sync rounds).
     */
    Transport open(TransportContext context) throws SQLException;
}
