package io.syncsqlite.hub;

import java.util.concurrent.ConcurrentHashMap;

/** Requests in flight per client address, capped, so one client (or one stuck client) cannot take every handler. */
final class ClientLimits {
    private final int max;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    ClientLimits(int max) {
        this.max = max;
    }

    /** Counts a request of {@code client} in; false (nothing counted) when it already has {@code max} in flight. */
    boolean enter(String client) {
        boolean[] admitted = {false};
        inFlight.compute(client, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) return n;
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    void leave(String client) {
        inFlight.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }
}
