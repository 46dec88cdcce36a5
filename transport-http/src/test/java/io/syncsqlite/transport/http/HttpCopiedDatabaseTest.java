package io.syncsqlite.transport.http;

import io.syncsqlite.hub.HubServer;
import io.syncsqlite.identity.Incarnations;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Copied and restored database files, syncing through a real hub on a loopback port. */
class HttpCopiedDatabaseTest extends Incarnations {
    private HubServer hub;

    @BeforeEach
    void startHub() throws Exception {
        hub = Replicas.hub(dir.resolve("hub.db"), 0);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Override
    protected String url(Path file) {
        return Replicas.url(file, hub.uri().toString(), "&sync.interval=1h");
    }
}
