package io.syncsqlite.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.hub.HubServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http client's key tag claim: the hub's grant, and "no tag" (not a failed round) where the hub has no such endpoint. */
class HubKeyTagClientTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void theHubGrantsTheWishAndAnEndpointItDoesNotServeMeansNoTag() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            HubClient client = new HubClient(hub.uri(), Replicas.TOKEN, null, Duration.ofSeconds(10));
            assertEquals(OptionalInt.of(42), client.claimKeyTag(SITE, 42));
            assertEquals(OptionalInt.of(42), client.claimKeyTag(SITE, 7), "asked again: its own tag");
            // a hub older than /v1/keytag answers 404 to it, as this hub does under a path it does not serve
            HubClient old = new HubClient(hub.uri().resolve("/older/"), Replicas.TOKEN, null, Duration.ofSeconds(10));
            assertEquals(OptionalInt.empty(), old.claimKeyTag(SITE, 42));
        }
    }
}
