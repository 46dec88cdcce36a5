package io.syncsqlite.tck.fault;

import java.time.Duration;

/** Polls a condition until it holds or a deadline passes. */
public final class Await {
    /** A condition that may throw (it usually queries a database). */
    public interface Check {
        boolean holds() throws Exception;
    }

    /** What the state was, for the failure message. */
    public interface State {
        String describe() throws Exception;
    }

    private Await() {
    }

    public static void until(String what, Duration timeout, Check condition, State state) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting until " + what + ": " + state.describe());
            Thread.sleep(50); // the polling period of a condition with a deadline, not a fixed wait
        }
    }
}
