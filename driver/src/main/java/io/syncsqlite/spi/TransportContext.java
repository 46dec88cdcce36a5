package io.syncsqlite.spi;

import io.syncsqlite.config.SyncConfig;
import java.nio.file.Path;

/**
 * What a transport is opened with.
 *
 * @param config   the connection's {@code sync.*} settings
 * @param siteId   this replica's site id
 * @param database the database file
 */
public record TransportContext(SyncConfig config, String siteId, Path database) {
}
