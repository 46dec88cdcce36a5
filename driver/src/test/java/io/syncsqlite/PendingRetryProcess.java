package io.syncsqlite;

import java.nio.file.Path;

/** Child JVM of {@link PendingRetryCrashTest}: retries the pending changes of the file given, saying when it starts. */
public final class PendingRetryProcess {
    private PendingRetryProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (TestDb db = new TestDb(Path.of(args[0]))) {
            System.out.println("RETRYING");
            System.out.flush();
            db.retryPending();
            System.out.println("DONE");
        }
    }
}
