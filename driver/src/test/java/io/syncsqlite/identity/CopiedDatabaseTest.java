package io.syncsqlite.identity;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copied and restored database files, through the in-JVM memory transport. */
class CopiedDatabaseTest {
    @TempDir
    Path dir;

    private Incarnations scenarios() {
        String ns = "copies-" + System.nanoTime();
        return new Incarnations(dir, file -> "jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h");
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
