package io.syncsqlite.hub;

import io.syncsqlite.ErrorText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * How a hub hears of the pushes other hubs store in a PostgreSQL store they share: it listens on
 * {@value PostgresHubStore#CHANNEL} on a connection of its own and tells the {@link HubStore.Watcher}; after a lost
 * connection it reconnects (backing off up to 5 s) and tells the watcher that any namespace may have moved.
 * <p>
 * It also watches itself, for health and metrics ({@link #state()}): every {@value #PROBE_MILLIS} ms it sends a probe
 * notification through the store's pool (another session, the path other hubs' pushes take) and times how long it
 * takes to come back — the <em>lag</em> a push's wake-up currently has; and it keeps when it last received anything,
 * so a listener that has gone deaf shows as a growing <em>age</em>. The listening connection is also the hub's
 * first sign that the database is down: it breaks as the server stops.
 */
final class PostgresNotifications implements Runnable {
    private static final System.Logger LOG = System.getLogger(PostgresNotifications.class.getName());
    /** How often the listener times a probe through the store. */
    static final long PROBE_MILLIS = 5_000;
    /** The payload's second word on a probe ({@code <instance> probe}): a hub that is not its sender ignores it. */
    private static final String PROBE = "probe";

    private final Connect listenOn;
    private final DataSource pool;
    private final String instance;
    private final HubStore.Watcher watcher;
    private final Thread thread = new Thread(this, "syncsqlite-hub-store-notifications");
    private volatile boolean stopped;
    private volatile boolean listening;
    private volatile String lastError;
    /** When the last notification (a probe included) arrived, in {@link System#nanoTime()}; 0 before the first. */
    private volatile long lastReceived;
    /** The last probe's round trip in ms, -1 before the first came back. */
    private volatile long lagMillis = -1;
    /** When the probe in flight was sent ({@link System#nanoTime()}), 0 when none is; the listener thread's own. */
    private long probeSent;
    /** When the next probe is due ({@link System#nanoTime()}); the listener thread's own. */
    private long nextProbe;

    /** How the listener opens its connection (outside the pool, with a short connect timeout). */
    @FunctionalInterface
    interface Connect {
        Connection open() throws SQLException;
    }

    /**
     * Listens on a connection from {@code listenOn}; probes go through {@code pool}; payloads starting with
     * {@code instance} are this hub's own.
     */
    PostgresNotifications(Connect listenOn, DataSource pool, String instance, HubStore.Watcher watcher) {
        this.listenOn = listenOn;
        this.pool = pool;
        this.instance = instance;
        this.watcher = watcher;
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    /** What health and metrics report about the notifications. */
    HubStore.NotifyState state() {
        long last = lastReceived;
        return new HubStore.NotifyState(listening, lagMillis, last == 0 ? -1 : (System.nanoTime() - last) / 1_000_000, lastError);
    }

    /** True while the listening connection is up: the database answered within the last probe period. */
    boolean listening() {
        return listening;
    }

    @Override
    public void run() {
        long backoff = 100;
        boolean listenedBefore = false;
        while (!stopped) {
            try (Connection c = listenOn.open(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + PostgresHubStore.CHANNEL);
                listening = true;
                lastError = null;
                if (listenedBefore) {
                    LOG.log(System.Logger.Level.INFO, "the hub store's notifications are back; every subscriber checks the store");
                    watcher.storedElsewhere(null, -1); // what came while nobody listened
                }
                listenedBefore = true;
                backoff = 100;
                probeSent = 0;
                nextProbe = System.nanoTime();
                org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
                while (!stopped) {
                    probeIfDue();
                    org.postgresql.PGNotification[] got = pg.getNotifications(500);
                    if (got != null) for (org.postgresql.PGNotification n : got) deliver(n.getParameter());
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (stopped) return;
                lastError = ErrorText.of(e);
                LOG.log(System.Logger.Level.WARNING, "the hub store's notifications were interrupted ({0}); listening again in {1} ms",
                        e.getMessage(), String.valueOf(backoff));
                try {
                    Thread.sleep(backoff); // backoff before reconnecting to a database that is down
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    /** Sends a probe when one is due: a probe period after the last came back, or three after one that never did. */
    private void probeIfDue() {
        long now = System.nanoTime();
        if (now - nextProbe < 0) return;
        nextProbe = now + 3 * PROBE_MILLIS * 1_000_000;
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + PostgresHubStore.CHANNEL + "', ?)")) {
            ps.setString(1, instance + " " + PROBE);
            probeSent = System.nanoTime();
            ps.execute();
            c.commit();
        } catch (SQLException e) {
            probeSent = 0; // the listening connection shows whether the database is down; this one tries again later
            LOG.log(System.Logger.Level.DEBUG, "a notification probe could not be sent: {0}", e.getMessage());
        }
    }

    private void deliver(String payload) {
        lastReceived = System.nanoTime();
        String[] parts = payload.split(" ", 3);
        if (parts.length == 2 && parts[0].equals(instance) && parts[1].equals(PROBE)) {
            if (probeSent != 0) {
                lagMillis = (lastReceived - probeSent) / 1_000_000;
                nextProbe = lastReceived + PROBE_MILLIS * 1_000_000;
            }
            probeSent = 0;
            return;
        }
        if (parts.length < 3 || parts[0].equals(instance)) return;
        try {
            watcher.storedElsewhere(parts[2], Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "ignored a malformed notification on {0}", PostgresHubStore.CHANNEL);
        }
    }
}
