package io.syncsqlite.transport.nas;

import io.syncsqlite.identity.Incarnations;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copied and restored database files, syncing through a shared folder. */
class NasCopiedDatabaseTest {
    @TempDir
    Path dir;

    private Incarnations scenarios() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        return new Incarnations(dir, file -> NasReplica.url(file, share, "copies", "1h"));
    }

    @Test
    void copiesBecomeNewSitesAndLoseNothing() throws Exception {
        scenarios().copiesBecomeNewSitesAndLoseNothing();
    }

    @Test
    void restoredReplicaGetsBackWhatItPublishedAfterTheBackup() throws Exception {
        scenarios().restoredReplicaGetsBackWhatItPublishedAfterTheBackup();
    }
}
