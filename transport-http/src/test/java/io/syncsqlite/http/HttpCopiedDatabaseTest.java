package io.syncsqlite.http;

import io.syncsqlite.hub.HubServer;
import io.syncsqlite.identity.Incarnations;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copied and restored database files, syncing through a real hub on a loopback port. */
class HttpCopiedDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void copiesBecomeNewSitesAndLoseNothing() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            new Incarnations(dir, file -> Replicas.url(file, hub.uri().toString(), "&sync.interval=1h")).copiesBecomeNewSitesAndLoseNothing();
        }
    }

    @Test
    void restoredReplicaGetsBackWhatItPublishedAfterTheBackup() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            new Incarnations(dir, file -> Replicas.url(file, hub.uri().toString(), "&sync.interval=1h")).restoredReplicaGetsBackWhatItPublishedAfterTheBackup();
        }
    }
}
