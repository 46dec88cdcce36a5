package io.syncsqlite.hub;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar syncsqlite-hub.jar --port 7070 [--ws-port 7071] --data hub.db --token TOKEN=NAMESPACE}: runs a hub
 * until stopped (SIGTERM/Ctrl-C).
 */
public final class HubMain {
    private HubMain() {
    }

    public static void main(String[] args) throws Exception {
        HubConfig config;
        try {
            config = HubConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        HubServer hub;
        try {
            // a WebSocket endpoint that died and cannot be started again: exit, so a supervisor restarts the whole hub
            hub = HubServer.start(config, () -> {
                System.err.println("syncsqlite hub: the WebSocket endpoint cannot serve again; exiting with status 70 so the hub is restarted");
                System.exit(70);
            });
        } catch (Exception e) {
            System.err.println("syncsqlite hub " + HubStartFailure.explain(config, e));
            System.getLogger(HubMain.class.getName()).log(System.Logger.Level.DEBUG, "hub start failed", e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "syncsqlite-hub-shutdown"));
        System.out.println("syncsqlite hub listening on port " + hub.port() + (hub.wsPort() >= 0 ? ", WebSocket on port " + hub.wsPort() : "")
                + " (epoch " + hub.epoch() + ")");
        stopped.await();
    }
}
