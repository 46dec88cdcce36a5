package io.syncsqlite.bench;

import java.lang.management.ManagementFactory;

/** CPU time of this process: what a benchmark costs, a figure that holds on a busy machine where wall-clock ones do not. */
final class CpuTime {
    private CpuTime() {
    }

    /** CPU nanoseconds this process has used so far (every thread: JIT and GC included). */
    static long process() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** {@code nanos} of CPU as milliseconds per 1,000 of {@code units}. */
    static double msPerThousand(long nanos, long units) {
        return units == 0 ? 0 : nanos / 1e6 / (units / 1000.0);
    }
}
