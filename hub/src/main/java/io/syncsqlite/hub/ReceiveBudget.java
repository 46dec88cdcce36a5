package io.syncsqlite.hub;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of pushed messages the hub holds at once, over all connections of both endpoints: a WebSocket frame's
 * announced payload from the moment its header is read (Java-WebSocket allocates it whole then) until its push is
 * handled, an HTTP body as it is read until its push is handled. A message that does not fit is refused as "try again
 * later" instead of allocated, so any number of authenticated clients announcing large pushes at once cost the hub at
 * most this budget, never an {@link OutOfMemoryError}. It holds at least one push of the largest size the hub accepts
 * ({@link HubConfig#receiveBudget()}), so every push fits once the others are handled.
 */
final class ReceiveBudget {
    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    ReceiveBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Takes {@code bytes} of the budget if they fit now; false (nothing taken) when they do not. */
    boolean tryTake(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > capacity) return false;
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    void giveBack(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long capacity() {
        return capacity;
    }
}
