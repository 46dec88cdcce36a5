package io.syncsqlite.engine;

import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.identity.RestoredCopyException;
import io.syncsqlite.identity.SiteIdentity;
import io.syncsqlite.keys.KeyScheme;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.spi.TransportContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Settles a replica's site and key block tag before its first key, through a transport whose work is local
 * ({@link Transport#claimsKeyTagsLocally}: a shared folder, the in-JVM log): first the transport says whether the
 * database is behind what its own site already published (a backup restored in place, side file included), which makes
 * it a new site at once; then it claims the site's tag. So such a replica never keys a row from a block whose later
 * keys its old site already used, nor with a provisional tag; only replicas of a transport that must reach a
 * coordinator over the network (a hub) do until their first round (docs/keys-and-gate.md, docs/constraints.md).
 */
final class EarlyKeyTag {
    private static final System.Logger LOG = System.getLogger(EarlyKeyTag.class.getName());

    private EarlyKeyTag() {
    }

    /**
     * The site and tag of the file before its first key.
     *
     * @param site the database's site id: a new one when the transport showed the database to be a restored copy
     * @param tag  the tag the transport grants {@code site}, or 0 when it cannot claim locally, claims nothing, or fails
     *             (the engine asks again after its rounds and reports what goes wrong there)
     */
    record Settled(String site, int tag) {
    }

    /**
     * Asks the file's transport about {@code site}, the site id of the database {@code c} is open on. A failure (the
     * share unreachable, the file busy) settles nothing: the engine's first round finds a restore and claims the tag.
     */
    static Settled settle(SyncConfig config, String site, Path file, Connection c) {
        if (config.transport().isEmpty()) return new Settled(site, 0);
        String name = config.transport().get();
        String now = site;
        try (Transport t = SyncEngine.usingTransport(name, () -> SyncEngine.provider(name).open(new TransportContext(config, site, file)))) {
            if (!t.claimsKeyTagsLocally()) return new Settled(site, 0);
            try {
                t.checkNotRestored(site, key -> cursor(c, key));
            } catch (RestoredCopyException e) {
                now = SiteIdentity.renewAsRestored(c, file, e.getMessage());
            }
            return new Settled(now, config.wideKeys() ? 0 : t.claimKeyTag(now, KeyScheme.provisionalTag(now)).orElse(0));
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "site and key tag of " + file + " not settled before the first round: " + e.getMessage(), e);
            return new Settled(now, 0);
        }
    }

    private static Optional<String> cursor(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + MetaTables.CURSORS + " WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
