package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub breaks exact version ties as the replicas do: by the value, whatever order the pushes come in. */
class HubVersionTieTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void exactVersionTieKeepsTheGreaterValueInEitherOrder() throws Exception {
        long hlc = Hlc.now();
        try (SqliteHubStore store = new SqliteHubStore(dir.resolve("hub.db"))) {
            store.push("first-low", "1", cell("apple", hlc));
            store.push("first-low", "2", cell("zebra", hlc));
            store.push("first-high", "1", cell("zebra", hlc));
            store.push("first-high", "2", cell("apple", hlc));
            for (String ns : List.of("first-low", "first-high")) {
                List<Change> stored = store.pull(ns, 0, 100).changes();
                assertEquals("zebra", stored.stream().filter(c -> "v".equals(c.column())).findFirst().orElseThrow().value(), ns);
            }
        }
    }

    private static Changeset cell(String value, long hlc) {
        return new Changeset(SITE, List.of(new Change("t", List.of("k"), "v", value, hlc, SITE, 1)));
    }
}
