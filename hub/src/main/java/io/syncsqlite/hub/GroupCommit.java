package io.syncsqlite.hub;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit of the pushes that arrive together: a pushing thread queues its push and takes the commit lock; the
 * one holding it stores every push queued by then in one transaction ({@link HubStore#pushAll}), one commit for all,
 * and hands each its outcome; the others find theirs done when they get the lock. So a push is still acknowledged
 * only after the commit that holds it, and while one group commits the next one gathers. Each push's
 * {@code committed} action runs under the lock in sequence order (what the WebSocket fan-out needs).
 */
final class GroupCommit {
    /** Most pushes stored in one transaction. */
    static final int MAX_PUSHES = 64;
    /** Most changes stored in one transaction (a group always takes at least its first push). */
    static final int MAX_CHANGES = 20_000;

    /** What stores a group: {@link HubStore#pushAll}. */
    @FunctionalInterface
    interface Store {
        List<HubStore.Stored> pushAll(List<HubStore.Push> pushes) throws SQLException;
    }

    private final Store store;
    private final ReentrantLock commit = new ReentrantLock();
    private final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();

    private static final class Queued {
        final HubStore.Push push;
        final Consumer<HubStore.PushOutcome> committed;
        HubStore.Stored result;
        SQLException groupFailure;

        Queued(HubStore.Push push, Consumer<HubStore.PushOutcome> committed) {
            this.push = push;
            this.committed = committed;
        }
    }

    GroupCommit(Store store) {
        this.store = store;
    }

    /**
     * Stores {@code push} (with whatever else is queued) and returns its outcome once committed; {@code committed} runs
     * first, under the commit lock, in sequence order with the other pushes' (it must not block).
     */
    HubStore.PushOutcome push(HubStore.Push push, Consumer<HubStore.PushOutcome> committed) throws SQLException {
        Queued me = new Queued(push, committed);
        queue.add(me);
        commit.lock();
        try {
            // groups are taken in arrival order: the one holding this push may come after others (the caps)
            while (me.result == null && me.groupFailure == null) commitQueued();
        } finally {
            commit.unlock();
        }
        if (me.groupFailure != null) throw me.groupFailure;
        if (me.result.failure() != null) throw me.result.failure();
        return me.result.outcome();
    }

    /** Pushes waiting for a group. */
    int queued() {
        return queue.size();
    }

    /**
     * Stores the first queued pushes (up to the caps) in one transaction and gives each its result, or the failure of the
     * whole group; called holding the lock.
     */
    private void commitQueued() {
        List<Queued> group = new ArrayList<>();
        long changes = 0;
        for (Queued q; group.size() < MAX_PUSHES && (q = queue.peek()) != null; ) {
            if (!group.isEmpty() && changes + q.push.changes().size() > MAX_CHANGES) break;
            queue.poll();
            group.add(q);
            changes += q.push.changes().size();
        }
        // one namespace after the other: groups of several hubs over one store take namespace locks in the same order
        group.sort(Comparator.comparing(q -> q.push.ns()));
        List<HubStore.Push> pushes = new ArrayList<>(group.size());
        for (Queued q : group) pushes.add(q.push);
        List<HubStore.Stored> stored;
        try {
            stored = store.pushAll(pushes);
        } catch (SQLException | RuntimeException e) {
            SQLException failure = e instanceof SQLException sql ? sql : new SQLException("storing a group of pushes failed: " + e, "XX000", e);
            for (Queued q : group) q.groupFailure = failure;
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            Queued q = group.get(i);
            q.result = stored.get(i);
            if (q.result.outcome() != null) q.committed.accept(q.result.outcome());
        }
    }
}
