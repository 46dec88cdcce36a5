package io.syncsqlite;

import java.nio.file.Path;

/**
 * Child JVM of {@link BulkDeleteTest}: deletes every row of {@code t} through the driver (no transport: nothing folds
 * on its own), folds part of that delete as one engine transaction would, says so and waits to be killed.
 */
public final class BulkDeleteProcess {
    private BulkDeleteProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (TestDb db = new TestDb(Path.of(args[0]))) {
            db.exec("DELETE FROM t");
            db.fold(500);
            System.out.println("FOLDED PART");
            System.out.flush();
            Thread.sleep(600_000);
        }
    }
}
