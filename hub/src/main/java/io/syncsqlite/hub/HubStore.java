package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import java.sql.SQLException;
import java.util.List;

/**
 * Where a hub keeps each namespace's winning cell versions, stamped with the hub sequence that last changed them.
 * {@link SqliteHubStore} (one embedded SQLite file) is the default; a store shared by several hub instances (e.g.
 * PostgreSQL) implements the same contract. Every endpoint (HTTP and WebSocket) goes through {@link Hub}, never to
 * the store directly.
 */
public interface HubStore extends AutoCloseable {
    /**
     * What a push did.
     *
     * @param duplicate a retry of a batch already stored: nothing was stored again
     * @param received  changes in the batch
     * @param stored    changes that won and were stored
     * @param seq       the namespace's last sequence after the push
     * @param previous  the namespace's last sequence before it: a client at {@code previous} that applies
     *                  {@code accepted} is at {@code seq}
     * @param accepted  the changes that won, as stored
     * @param refused   changes the hub's admission refused (not stored), with their reasons
     */
    record PushOutcome(boolean duplicate, int received, int stored, long seq, long previous, List<Change> accepted,
                       List<ChangeValidator.Refusal> refused) {
        public PushOutcome(boolean duplicate, int received, int stored, long seq, long previous, List<Change> accepted) {
            this(duplicate, received, stored, seq, previous, accepted, List.of());
        }

        /** This outcome for a push of {@code pushed} changes of which {@code refusals} were refused before storing. */
        PushOutcome withRefused(List<ChangeValidator.Refusal> refusals, int pushed) {
            return new PushOutcome(duplicate, pushed, stored, seq, previous, accepted, List.copyOf(refusals));
        }
    }

    /** One page of a pull: changes with sequence in {@code (since, next]}. */
    record Page(List<Change> changes, long next, boolean more) {
    }

    /**
     * The id of this store's history as clients store it in their cursors: it changes with every opening of the store
     * (a new generation), and {@link #knows} says which of the earlier ones are still this store's.
     */
    String epoch();

    /**
     * True when this store holds everything a client that has seen sequence {@code seen} under {@code epoch} (an
     * epoch this store gave, or {@code null} for none) may have seen: false for a store restored from a backup taken
     * before, or replaced. Such a client pushes every version it holds again and re-reads from 0.
     */
    boolean knows(String epoch, long seen) throws SQLException;

    /**
     * Stores the winning changes of {@code cs} under new hub sequences, atomically with {@code batchId}, so a retried
     * batch (same origin site and batch id) is answered as a duplicate and stores nothing.
     */
    default PushOutcome push(String ns, String batchId, Changeset cs) throws SQLException {
        Stored one = pushAll(List.of(new Push(ns, batchId, cs))).get(0);
        if (one.failure() != null) throw one.failure();
        return one.outcome();
    }

    /** One push of a group: the namespace, the batch id (as {@link #push}) and the admitted changes. */
    record Push(String ns, String batchId, Changeset changes) {
    }

    /** What became of one push of a group: its outcome, or the failure that stored nothing of it. */
    record Stored(PushOutcome outcome, SQLException failure) {
    }

    /**
     * Stores each of {@code pushes} as {@link #push} would, in the order given and in one transaction: one commit for
     * all of them (group commit). A push that fails stores nothing and fails alone (its {@link Stored#failure()});
     * when the commit itself fails, this throws and none is stored. Sequences follow the order given, so the outcomes,
     * in that order, are in sequence order.
     */
    List<Stored> pushAll(List<Push> pushes) throws SQLException;

    /**
     * The last sequence this store assigned (in any namespace) as far as this hub knows: for a store shared by several
     * hubs, the last one this hub recorded for its generation (for health and metrics).
     */
    long lastSequence();

    /**
     * Changes of {@code ns} after {@code since} in sequence order: about {@code limit}, never splitting one row's push.
     * Every winning version stored after {@code since} is in it or a later page; a store may also send again versions a
     * reader at {@code since} already holds (applying them changes nothing).
     */
    default Page pull(String ns, long since, int limit) throws SQLException, InterruptedException {
        return pull(ns, since, limit, Long.MAX_VALUE);
    }

    /**
     * As {@link #pull(String, long, int)}, and a page ends once its stored cells pass about {@code maxBytes} (still
     * never splitting one row's push), so a reader's page costs the hub about that much memory however large its values.
     */
    Page pull(String ns, long since, int limit, long maxBytes) throws SQLException, InterruptedException;

    /**
     * The key block tag of {@code site} in {@code ns} (replicas' INTEGER PRIMARY KEY values are {@code tag * 2^20 + n},
     * docs/keys-and-gate.md): the tag it holds already, else {@code wish} when no site of {@code ns} holds it, else the
     * lowest free one ({@code KeyTagClaims}); 0 when all 2,047 are taken. A grant is stored before it is answered and
     * never given to another site, across restarts.
     */
    int claimKeyTag(String ns, String site, int wish) throws SQLException;

    /** The last sequence stored in {@code ns}, 0 when it is empty. */
    long head(String ns) throws SQLException, InterruptedException;

    /** Cells stored for {@code ns} (winning versions only). */
    long cellCount(String ns) throws SQLException, InterruptedException;

    /**
     * Throws when the store cannot be read (for health); returns at once, without reading, while every reader is busy
     * (a store that busy is serving).
     */
    void check() throws SQLException, InterruptedException;

    /** Told of pushes that other hub instances stored in a store they share with this one. */
    @FunctionalInterface
    interface Watcher {
        /**
         * A push through another hub moved namespace {@code ns} to sequence {@code head}; {@code ns} is {@code null}
         * (and {@code head} -1) when any namespace may have moved unseen (the store's notifications were interrupted).
         */
        void storedElsewhere(String ns, long head);
    }

    /**
     * Tells {@code watcher} of every push stored through another hub instance, promptly after it commits (a store no
     * other hub writes, such as the embedded one, never does). At most one watcher; it must not block.
     */
    default void watch(Watcher watcher) {
    }

    /** Which store this is, as health and metrics name it: {@code sqlite} or {@code postgresql}. */
    String kind();

    /**
     * How the notifications from other hubs fare (for health and metrics).
     *
     * @param listening true while this hub's listening connection to the store is up
     * @param lagMillis how long the last probe notification took to come back to this hub, -1 before the first
     * @param ageMillis how long ago this hub last received any notification (probes included), -1 before the first
     * @param error     why the listening connection last failed, or {@code null} while it is up
     */
    record NotifyState(boolean listening, long lagMillis, long ageMillis, String error) {
    }

    /** The state of notifications from other hubs, or {@code null} for a store no other hub writes (as the embedded one). */
    default NotifyState notifyState() {
        return null;
    }

    /** Bytes the store takes on disk, or -1 when it cannot tell. */
    long sizeBytes();

    @Override
    void close() throws SQLException;
}
