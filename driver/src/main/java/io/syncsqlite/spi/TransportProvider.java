package io.syncsqlite.spi;

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

    /**
     * Opens a transport for one database file. Validates its parameters and throws an {@link SQLException} naming the
     * key and the accepted values when one is wrong; must not block on the network (connect lazily in sync rounds).
     */
    Transport open(TransportContext context) throws SQLException;
}
