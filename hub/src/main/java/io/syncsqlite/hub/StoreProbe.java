package io.syncsqlite.hub;

import io.syncsqlite.ErrorText;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the store's state for health and metrics within a bound. A store can hang rather than fail: a PostgreSQL pool
 * waits up to its connection timeout for a database that has just stopped before its listener noticed, a disk can
 * stall. Health must still answer at once (a load balancer's timeout would otherwise decide), so a reading that takes
 * longer than the bound counts as a failing store. Requests that arrive while a reading runs share it, so frequent
 * health or metrics requests never pile threads or connections onto the store.
 */
final class StoreProbe {
    /** What the store answered: why it failed ({@code null} when it answered) and its size ({@code -1} unknown). */
    record Reading(String error, long bytes) {
    }

    private final HubStore store;
    private final Duration bound;
    private CompletableFuture<Reading> running; // guarded by this

    StoreProbe(HubStore store, Duration bound) {
        this.store = store;
        this.bound = bound;
    }

    /** The store's state now, or a failing reading if the store did not answer within the bound. */
    Reading read() {
        CompletableFuture<Reading> reading;
        synchronized (this) {
            if (running == null || running.isDone()) running = CompletableFuture.supplyAsync(this::readStore, StoreProbe::onDaemonThread);
            reading = running;
        }
        try {
            return reading.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Reading("the " + store.kind() + " store did not answer within " + bound.toMillis() + " ms", -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reading("interrupted while reading the " + store.kind() + " store", -1);
        } catch (ExecutionException e) {
            return new Reading(ErrorText.of(e.getCause()), -1);
        }
    }

    private Reading readStore() {
        try {
            store.check();
            return new Reading(null, store.sizeBytes());
        } catch (SQLException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return new Reading(ErrorText.of(e), -1);
        }
    }

    /** One short-lived thread per reading: at most one runs at a time, and a hung one never keeps the JVM alive. */
    private static void onDaemonThread(Runnable r) {
        Thread t = new Thread(r, "hub-store-probe");
        t.setDaemon(true);
        t.start();
    }
}
