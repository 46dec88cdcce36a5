package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.clock.Hlc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a push hands to its listeners (the WebSocket fan-out): exactly the changes that won, in the wire format. */
class HubFanOutTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";
    private static final String OTHER = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    @Test
    void listenersGetThePushedBytesWhenEveryChangeWonAndOnlyTheWinnersOtherwise() throws Exception {
        try (SqliteHubStore store = new SqliteHubStore(dir.resolve("hub.db"))) {
            Hub hub = new Hub(HubConfig.of(0, dir.resolve("hub.db"), new Tokens()), store);
            List<byte[]> heard = new ArrayList<>();
            hub.addListener((ns, source, outcome, changeset) -> heard.add(changeset.get()));
            long hlc = Hlc.now();
            byte[] first = ChangesetCodec.encode(new Changeset(SITE, List.of(cell(1, "a", hlc, SITE), cell(2, "b", hlc, SITE))));
            hub.push("ns", "1", first, null);
            assertSame(first, heard.get(0), "every change won: the pushed bytes go out as they are");

            // row 1 loses (older version), row 2 wins: only row 2 goes out, its site named by the changeset
            hub.push("ns", "2", ChangesetCodec.encode(new Changeset(SITE, List.of(cell(1, "old", hlc - 1, SITE), cell(2, "new", hlc + 1, OTHER)))), null);
            Changeset sent = ChangesetCodec.decode(heard.get(1));
            assertEquals(List.of(cell(2, "new", hlc + 1, OTHER)), sent.changes());
            assertEquals(OTHER, sent.origin());

            hub.push("ns", "3", ChangesetCodec.encode(new Changeset(SITE, List.of(cell(1, "old", hlc - 1, SITE)))), null);
            assertEquals(2, heard.size(), "a push that stored nothing is not fanned out");
        }
    }

    private static Change cell(long key, String value, long hlc, String site) {
        return new Change("t", List.of(key), "v", value, hlc, site, 1);
    }
}
