package io.syncsqlite.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Heap use of this JVM, for the child processes of the bootstrap benchmark. Two figures:
 * <ul>
 *   <li>peak used: the sum of every heap pool's peak usage ({@link MemoryPoolMXBean#getPeakUsage}) since the last
 *       reset, garbage included, so an upper bound of what the heap held at any moment;</li>
 *   <li>peak live: the largest heap occupancy right after a collection, from the GC MXBeans' notifications, i.e. what
 *       the process really kept reachable.</li>
 * </ul>
 * Both are bounded by the child's {@code -Xmx}; finishing under that cap is the hard evidence.
 */
final class HeapWatch {
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();
    private final Set<String> heapPoolNames = heapPools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final AtomicLong peakLive = new AtomicLong();

    HeapWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long live = 0;
                for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPoolNames.contains(e.getKey())) live += e.getValue().getUsed();
                }
                peakLive.accumulateAndGet(live, Math::max);
            }, null, null);
        }
    }

    void reset() {
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        peakLive.set(0);
    }

    long peakUsed() {
        return heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    long peakLive() {
        return peakLive.get();
    }

    /** {@code peakUsed=<bytes> peakLive=<bytes> max=<bytes>}, parsed by {@link ChildJvm}. */
    String report() {
        return "peakUsed=" + peakUsed() + " peakLive=" + peakLive() + " max=" + Runtime.getRuntime().maxMemory();
    }
}
