package io.syncsqlite.transport.nas;

import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.spi.TransportContext;
import io.syncsqlite.spi.TransportProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;

/**
 * {@code sync.transport=nas}: replicas that point {@code sync.dir} at the same folder (a local path or an NFS/SMB
 * mount) and use the same {@code sync.namespace} sync with each other, with no server.
 * <ul>
 *   <li>{@code sync.dir} (required): the shared folder; it must exist when a round runs.</li>
 *   <li>{@code sync.compactEvery} (default {@value #DEFAULT_COMPACT_EVERY}): after this many segments a replica
 *       replaces its older files with one snapshot of its current versions.</li>
 * </ul>
 */
public final class NasTransportProvider implements TransportProvider {
    public static final String DIR = "sync.dir";
    public static final String COMPACT_EVERY = "sync.compactEvery";
    static final int DEFAULT_COMPACT_EVERY = 64;

    @Override
    public String name() {
        return "nas";
    }

    @Override
    public Set<String> parameters() {
        return Set.of(DIR, COMPACT_EVERY);
    }

    @Override
    public void validate(SyncConfig config) throws SQLException {
        root(config);
        compactEvery(config);
    }

    @Override
    public Transport open(TransportContext context) throws SQLException {
        return new NasTransport(root(context.config()), context.config().namespace(), context.siteId(), compactEvery(context.config()));
    }

    private static Path root(SyncConfig config) throws SQLException {
        String dir = config.get(DIR).filter(s -> !s.isBlank())
                .orElseThrow(() -> new SQLException("Missing " + DIR + ": the nas transport needs " + DIR + "=<path of the shared folder>", "HY024"));
        Path root;
        try {
            root = Path.of(dir);
        } catch (InvalidPathException e) {
            throw new SQLException("Invalid value '" + dir + "' for " + DIR + ": accepted values are paths of an existing folder (" + e.getReason() + ")", "HY024", e);
        }
        return root;
    }

    private static int compactEvery(SyncConfig config) throws SQLException {
        String every = config.get(COMPACT_EVERY).orElse(Integer.toString(DEFAULT_COMPACT_EVERY));
        int compactEvery;
        try {
            compactEvery = Integer.parseInt(every.trim());
        } catch (NumberFormatException e) {
            compactEvery = 0;
        }
        if (compactEvery < 1) {
            throw new SQLException("Invalid value '" + every + "' for " + COMPACT_EVERY + ": accepted values are positive integers (segments between snapshots)", "HY024");
        }
        return compactEvery;
    }
}
