package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes that arrive while a group commits are stored together in the next one, each acknowledged after its commit. */
class GroupCommitTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";
    private static final int PUSHERS = 12;

    @TempDir
    Path dir;

    @Test
    void pushesArrivingDuringACommitAreStoredTogetherInTheNextAndToldInSequenceOrder() throws Exception {
        List<Integer> groups = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean firstStoring = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(PUSHERS);
        try (SqliteHubStore store = new SqliteHubStore(dir.resolve("hub.db"))) {
            GroupCommit[] commit = new GroupCommit[1];
            // the real store; its first group waits until every other pusher has queued, so they all go in the next
            commit[0] = new GroupCommit(pushes -> {
                if (firstStoring.compareAndSet(false, true)) await(() -> commit[0].queued() == PUSHERS - 1);
                groups.add(pushes.size());
                return store.pushAll(pushes);
            });
            List<Long> told = Collections.synchronizedList(new ArrayList<>());
            List<Future<HubStore.PushOutcome>> acks = new ArrayList<>();
            long hlc = Hlc.now();
            for (int i = 0; i < PUSHERS; i++) {
                HubStore.Push push = new HubStore.Push("ns", "b" + i, new Changeset(SITE, List.of(new Change("t", List.of((long) i), "x", (long) i, hlc, SITE, 1))));
                acks.add(pool.submit(() -> commit[0].push(push, out -> told.add(out.seq()))));
                if (i == 0) await(firstStoring::get);
            }
            List<Long> acknowledged = new ArrayList<>();
            for (Future<HubStore.PushOutcome> f : acks) acknowledged.add(f.get(60, TimeUnit.SECONDS).seq());
            assertEquals(List.of(1, PUSHERS - 1), groups, "the first push alone, then every push that arrived during its commit in one group");
            List<Long> inOrder = new ArrayList<>(told);
            Collections.sort(inOrder);
            assertEquals(inOrder, told, "listeners are told in sequence order");
            Collections.sort(acknowledged);
            assertEquals(inOrder, acknowledged, "each push acknowledged with the sequence it was told under");
            assertEquals(PUSHERS, store.pull("ns", 0, 1000).changes().size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 60 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
