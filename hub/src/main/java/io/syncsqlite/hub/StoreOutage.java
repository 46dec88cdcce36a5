package io.syncsqlite.hub;

import io.syncsqlite.ErrorText;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a store that cannot be reached (its database down, restarting, or not answering within the pool's wait)
 * from one that answered with an error: the first is answered {@code 503} with {@code Retry-After}, as a busy hub is,
 * because the client's retry will succeed once the database is back; the second stays an internal error.
 */
final class StoreOutage {
    /** Seconds a client is asked to wait before it retries while the store is unreachable. */
    static final int RETRY_AFTER_SECONDS = 2;

    private StoreOutage() {
    }

    /** True when {@code e}, or what caused it, says the store's database could not be reached. */
    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) return true;
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                // class 08: connection exception; 57P01-57P03: the server is shutting down, crashed, or is starting up
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) return true;
            }
        }
        return false;
    }

    /** What a client is told while the store is unreachable. */
    static String message(HubStore store, Throwable e) {
        return "the hub's store (" + store.kind() + ") is unreachable; retry shortly: " + ErrorText.of(e);
    }
}
