package io.syncsqlite.engine;

import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.keys.KeyScheme;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.spi.TransportContext;
import java.nio.file.Path;

/**
 * Claims a replica's key block tag before its first key, through a transport whose claims are local work
 * ({@link Transport#claimsKeyTagsLocally}: a shared folder, the in-JVM log), so only replicas of a transport that must
 * reach a coordinator over the network (a hub) ever key rows with a provisional tag (docs/keys-and-gate.md).
 */
final class EarlyKeyTag {
    private static final System.Logger LOG = System.getLogger(EarlyKeyTag.class.getName());

    private EarlyKeyTag() {
    }

    /**
     * The tag the file's transport grants {@code site} now, or 0 when it cannot claim locally, claims nothing, or fails
     * (the engine asks again after its rounds and reports what goes wrong there).
     */
    static int claim(SyncConfig config, String site, Path file) {
        if (config.transport().isEmpty() || config.wideKeys()) return 0;
        String name = config.transport().get();
        try (Transport t = SyncEngine.usingTransport(name, () -> SyncEngine.provider(name).open(new TransportContext(config, site, file)))) {
            if (!t.claimsKeyTagsLocally()) return 0;
            return t.claimKeyTag(site, KeyScheme.provisionalTag(site)).orElse(0);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "no key tag claimed before the first round for " + file + ": " + e.getMessage(), e);
            return 0;
        }
    }
}
