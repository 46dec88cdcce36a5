package io.syncsqlite.transport.http;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

/**
 * A replica in its own JVM, for {@link SeparateJvmTest}: writes {@code rows} rows, then syncs until it holds
 * {@code expectTotal} rows (its own and the other process's), and exits 0; exits 1 on timeout.
 */
public final class ReplicaProcess {
    private ReplicaProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String hubUrl = args[1];
        int rows = Integer.parseInt(args[2]);
        long expectTotal = Long.parseLong(args[3]);
        try (Connection c = Replicas.open(file, hubUrl, "&sync.interval=50ms")) {
            for (int k = 0; k < rows; k++) Replicas.exec(c, "INSERT INTO item(id, title, n) VALUES ('p" + k + "', 'other jvm', " + k + ")");
            Replicas.syncUntil(Duration.ofSeconds(40), () -> HttpSyncTest.rows(c) == expectTotal, c);
        }
    }
}
