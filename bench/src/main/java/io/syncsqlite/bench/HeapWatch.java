package io.syncsqlite.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Heap use of this JVM, for the child processes of the bootstrap benchmark, from the GC MXBeans' notifications:
 * <ul>
 *   <li>peak used: the largest heap occupancy just before a collection (the heap is fullest right before a GC), or
 *       {@link MemoryMXBean#getHeapMemoryUsage()} when reported, whichever is larger: garbage included;</li>
 *   <li>peak live: the largest heap occupancy right after a collection, i.e. what the process kept reachable.</li>
 * </ul>
 * Both are bounded by the child's {@code -Xmx}; finishing under that cap is the hard evidence.
 */
final class HeapWatch {
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakLive = new AtomicLong();
    /** CPU time of this process when watching began (or was reset): a figure that holds on a busy machine too. */
    private final AtomicLong cpuStart = new AtomicLong(CpuTime.process());

    HeapWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                peakUsed.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
                peakLive.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
            }, null, null);
        }
    }

    private long heapUsed(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
            if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
        }
        return used;
    }

    void reset() {
        peakUsed.set(0);
        peakLive.set(0);
        cpuStart.set(CpuTime.process());
    }

    /** {@code peakUsed=<bytes> peakLive=<bytes> max=<bytes> cpu=<nanos since start or reset>}, parsed by {@link ChildJvm}. */
    String report() {
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return "peakUsed=" + Math.max(peakUsed.get(), now) + " peakLive=" + peakLive.get() + " max=" + Runtime.getRuntime().maxMemory()
                + " cpu=" + (CpuTime.process() - cpuStart.get());
    }
}
