package io.syncsqlite.transport.http;

import io.syncsqlite.transport.hub.HubPush.Cursor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Follows a round's pushes from the replica's cursor, so its pull need not fetch back what it just sent. The hub
 * answers a stored push with the namespace's last sequence before it ({@code previous}) and after it ({@code seq}); a
 * push runs under the namespace's lock (docs/scaling-hubs.md), so the namespace's changes in {@code (previous, seq]}
 * are that push's and nothing else. Starting at the cursor, as long as one of the round's pushes (parts may be stored
 * in any order) begins where the cursor is, under the cursor's epoch, the cursor moves to its end: the replica holds
 * every change up to there, those below its cursor from earlier pulls and the others its own. Where another replica's
 * push came between, no push of the round begins there, and the pull fetches the rest from that point. A WebSocket hub
 * sends a pusher its own pushes without a body for the same reason.
 */
final class OwnPushes {
    private final Cursor start;
    /** The round's stored pushes under the cursor's epoch: where each began → where it ended. */
    private final Map<Long, Long> ends = new HashMap<>();

    /** From {@code cursor}, the replica's cursor before the round's pushes ({@code null}: none yet, nothing to follow). */
    OwnPushes(Cursor cursor) {
        this.start = cursor;
    }

    /** The hub's answer to one of the round's pushes. */
    void stored(HubClient.PushReply reply) {
        // a duplicate's or an older hub's answer says nothing of what came before it (previous -1)
        if (start == null || reply.previous() < 0 || reply.seq() <= reply.previous() || !reply.epoch().equals(start.epoch())) return;
        ends.put(reply.previous(), reply.seq());
    }

    /** The cursor past the pushes that follow on from it, when there are any. */
    Optional<Cursor> cursor() {
        if (start == null) return Optional.empty();
        long at = start.seq();
        for (Long end; (end = ends.get(at)) != null; ) at = end;
        return at == start.seq() ? Optional.empty() : Optional.of(new Cursor(start.epoch(), at));
    }
}
