package io.syncsqlite.hub;

import io.syncsqlite.change.Envelope;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Brings the pushes other hubs store in a shared store to this hub's WebSocket subscribers of one namespace. Told of a
 * new head, it reads the new rows from the store once, page by page after the last sequence it knows was fanned out
 * here, and offers each page to every subscriber as the fan-out of a push through this hub does (a frame {@code (from,
 * to]}): a subscriber at {@code from} sends it on at once; any other catches up from the store on its own, so a frame
 * that does not fit a subscriber costs it nothing but the read it did before. One read per notified push, whatever
 * the number of subscribers, where each subscriber used to read the store itself.
 * <p>
 * A page is what a pull after {@code from} returns, so it holds every change of the namespace in {@code (from, to]}:
 * within a namespace sequence order is commit order (docs/scaling-hubs.md), and the rows are read after the
 * notification of their commit.
 */
final class StoreRelay {
    /** Stored bytes in one relayed page (as a subscriber's own catch-up page). */
    private static final int PAGE_BYTES = 64 * 1024;

    private final Hub hub;
    private final String namespace;
    private final int pageLimit;
    private final Executor executor;
    private final Supplier<Iterable<WsSubscriber>> subscribers;
    /** The highest head another hub announced. */
    private final AtomicLong announced = new AtomicLong(-1);
    /** The last sequence fanned out here (relayed, or pushed through this hub); -1 before any is known. */
    private final AtomicLong relayedUpTo = new AtomicLong(-1);
    private final AtomicBoolean running = new AtomicBoolean();

    StoreRelay(Hub hub, String namespace, int pageLimit, Executor executor, Supplier<Iterable<WsSubscriber>> subscribers) {
        this.hub = hub;
        this.namespace = namespace;
        this.pageLimit = pageLimit;
        this.executor = executor;
        this.subscribers = subscribers;
    }

    /** A push through this hub was fanned out up to {@code seq}. */
    void fannedOut(long seq) {
        relayedUpTo.accumulateAndGet(seq, Math::max);
    }

    /** Another hub stored a push that moved the namespace to {@code head}. */
    void storedElsewhere(long head) {
        if (relayedUpTo.get() < 0) {
            // nothing fanned out here yet to start from: every subscriber reads the store itself, once
            relayedUpTo.accumulateAndGet(head, Math::max);
            for (WsSubscriber s : subscribers.get()) s.storedElsewhere(head);
            return;
        }
        announced.accumulateAndGet(head, Math::max);
        if (running.compareAndSet(false, true)) executor.execute(this::relay);
    }

    private void relay() {
        long goal = announced.get();
        try {
            while (relayedUpTo.get() < goal) {
                long from = relayedUpTo.get();
                HubStore.Page page = hub.pull(namespace, from, pageLimit, PAGE_BYTES);
                if (page.next() == from) break; // the store holds nothing more (restored under us): subscribers read it themselves
                byte[] message = Envelope.withBody(hub.changeset(page.changes()), "changes", "from", from, "to", page.next()).encode();
                WsSubscriber.Frame frame = new WsSubscriber.Frame(from, page.next(), message);
                for (WsSubscriber s : subscribers.get()) s.offer(frame);
                relayedUpTo.accumulateAndGet(page.next(), Math::max);
            }
        } catch (Exception e) {
            System.getLogger(StoreRelay.class.getName()).log(System.Logger.Level.WARNING,
                    "reading other hubs'' pushes for the subscribers of namespace {0} failed ({1}); each reads the store itself", namespace, e.getMessage());
            for (WsSubscriber s : subscribers.get()) s.storedElsewhere(goal);
        } finally {
            running.set(false);
            if (announced.get() > goal && running.compareAndSet(false, true)) executor.execute(this::relay);
        }
    }
}
