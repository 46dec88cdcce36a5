package io.syncsqlite.tck.scaleout;

import io.syncsqlite.hub.HubChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Hub instances as operators run them: each a JVM of its own on loopback ({@link HubChild}), all over one PostgreSQL database. */
final class HubProcesses {
    private HubProcesses() {
    }

    /** {@code count} hubs over {@code storeUrl}, logging to {@code dir/hubN}, started at once (each JVM takes seconds on a loaded machine). */
    static List<HubChild> start(int count, String storeUrl, Path dir) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(count);
        try {
            List<Future<HubChild>> started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path logs = Files.createDirectories(dir.resolve("hub" + i));
                started.add(starters.submit((Callable<HubChild>) () -> HubChild.overPostgres(logs, "128m", storeUrl)));
            }
            List<HubChild> hubs = new ArrayList<>();
            for (Future<HubChild> f : started) hubs.add(f.get(3, TimeUnit.MINUTES));
            return hubs;
        } finally {
            starters.shutdown();
        }
    }

    /** Kills every hub still running ({@code kill -9}). */
    static void killAll(List<HubChild> hubs) throws InterruptedException {
        for (HubChild h : hubs) h.kill();
    }
}
