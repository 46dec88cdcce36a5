package io.syncsqlite.cli;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.SyncListener;
import io.syncsqlite.SyncResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code sync <db> sync.transport=… …}: one sync round of a file, as an application with that URL would run it. */
@Command(name = "sync", description = {"Run one sync round (push, then pull) of a database with the given sync.* settings, e.g.",
        "  sync app.db sync.transport=nas sync.dir=/mnt/share",
        "A progress bar on a terminal, plain lines otherwise."})
final class SyncCommand extends ReportingCommand {
    @Mixin
    DatabaseAndSettings args;
    @Option(names = "--progress", negatable = true, description = "Draw a progress bar (default: when the output is a terminal).")
    Boolean progress;

    @Override
    public Integer call() throws Exception {
        String url = args.url(spec); // wrong settings are a usage error, whatever the file
        existingDatabase(args.db);
        Output out = output();
        boolean bar = progress != null ? progress : System.console() != null && !out.json();
        Progress p = out.json() ? Progress.silent() : bar ? Progress.bar(out.text()) : Progress.lines(out.text());
        Rounds rounds = new Rounds(p);
        // The engine runs a round as soon as a connection with sync settings opens. A listener added to a first
        // connection without settings hears that round too: the command reports every round it caused.
        try (Connection captureOnly = DriverManager.getConnection("jdbc:syncsqlite:" + args.db.toAbsolutePath())) {
            SyncConnection listening = captureOnly.unwrap(SyncConnection.class);
            listening.addListener(rounds);
            try (Connection c = DriverManager.getConnection(url, null)) {
                p.start(args.db);
                c.unwrap(SyncConnection.class).syncNow();
            } finally {
                listening.removeListener(rounds);
                p.stop();
            }
        }
        SyncResult result = rounds.total();
        p.done(result);
        if (out.json()) out.json(report(result));
        return ExitCode.OK;
    }

    private Map<String, Object> report(SyncResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("database", args.db.toAbsolutePath().toString());
        m.put("pushed", r.pushed());
        m.put("pulled", r.pulled());
        m.put("applied", r.applied());
        m.put("conflicts", r.conflicts());
        m.put("durationMillis", r.duration().toMillis());
        m.put("tables", r.tables());
        return m;
    }

    /** Adds up the rounds the command caused, and passes every event to the progress display. */
    private static final class Rounds implements SyncListener {
        private final Progress progress;
        private SyncResult total = SyncResult.EMPTY;

        Rounds(Progress progress) {
            this.progress = progress;
        }

        @Override
        public synchronized void onEvent(SyncEvent e) {
            SyncResult r = e.result();
            if (e.type() == SyncEvent.Type.COMPLETED && r != null) {
                Map<String, Integer> tables = new java.util.TreeMap<>(total.tables());
                r.tables().forEach((t, n) -> tables.merge(t, n, Integer::sum));
                total = new SyncResult(total.pushed() + r.pushed(), total.pulled() + r.pulled(), total.applied() + r.applied(),
                        total.conflicts() + r.conflicts(), total.duration().plus(r.duration()), tables);
            }
            progress.event(e);
        }

        synchronized SyncResult total() {
            return total;
        }
    }

    /** What the rounds show while they run. */
    abstract static class Progress {
        abstract void event(SyncEvent e);

        void start(Path db) {
        }

        /** The round is over (done or failed): nothing more is drawn. */
        void stop() {
        }

        abstract void done(SyncResult r);

        static Progress silent() {
            return new Progress() {
                @Override
                void event(SyncEvent e) {
                }

                @Override
                void done(SyncResult r) {
                }
            };
        }

        static Progress lines(java.io.PrintWriter w) {
            return new ProgressLines(w);
        }

        static Progress bar(java.io.PrintWriter w) {
            return new ProgressBar(w);
        }
    }

    /** One line per event: for logs and pipes. */
    static class ProgressLines extends Progress {
        final java.io.PrintWriter w;

        ProgressLines(java.io.PrintWriter w) {
            this.w = w;
        }

        @Override
        synchronized void event(SyncEvent e) {
            if (e.type() == SyncEvent.Type.STARTED || e.type() == SyncEvent.Type.COMPLETED) return; // the summary says it
            w.println(e.type().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.message());
            w.flush();
        }

        @Override
        synchronized void done(SyncResult r) {
            w.println("synced: pushed " + r.pushed() + ", pulled " + r.pulled() + ", applied " + r.applied() + ", conflicts " + r.conflicts()
                    + " in " + r.duration().toMillis() + " ms" + (r.tables().isEmpty() ? "" : "; rows written " + r.tables()));
            w.flush();
        }
    }

    /**
     * A line redrawn in place: the share of the changes unpublished at the start that are published (the outbox read
     * every 200 ms from a read-only connection), then the rows received so far.
     */
    static final class ProgressBar extends ProgressLines {
        private static final int WIDTH = 30;
        private long total = -1;
        private long remaining;
        private long received;
        private volatile boolean running;
        private Thread poller;

        ProgressBar(java.io.PrintWriter w) {
            super(w);
        }

        @Override
        void start(Path db) {
            running = true;
            poller = new Thread(() -> {
                while (running) {
                    try {
                        long left = io.syncsqlite.Maintenance.inspect(db).unpublished().values().stream().mapToLong(Long::longValue).sum();
                        synchronized (this) {
                            if (total < 0) total = left;
                            remaining = Math.min(left, total);
                            draw();
                        }
                        Thread.sleep(200); // the redraw rate of the bar
                    } catch (InterruptedException e) {
                        return;
                    } catch (java.sql.SQLException e) {
                        running = false; // no outbox to read (yet): the bar shows what the events tell
                    }
                }
            }, "syncsqlite-cli-progress");
            poller.setDaemon(true);
            poller.start();
        }

        @Override
        synchronized void event(SyncEvent e) {
            if (e.type() == SyncEvent.Type.CHANGED) received += e.tables().values().stream().mapToLong(Integer::longValue).sum();
            if (e.type() == SyncEvent.Type.ERROR || e.type() == SyncEvent.Type.FAILED || e.type() == SyncEvent.Type.CONFLICT) {
                w.print("\r\033[K");
                super.event(e);
            }
            draw();
        }

        private void draw() {
            long sent = total <= 0 ? 0 : total - remaining;
            int filled = total <= 0 ? WIDTH : (int) (WIDTH * sent / total);
            w.print("\r\033[K[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] published " + sent + "/" + Math.max(total, 0)
                    + ", received " + received + " rows");
            w.flush();
        }

        @Override
        void stop() {
            running = false;
            if (poller == null) return;
            poller.interrupt();
            try {
                poller.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                w.print("\r\033[K");
                w.flush();
            }
        }

        @Override
        void done(SyncResult r) {
            synchronized (this) {
                w.print("\r\033[K");
                super.done(r);
            }
        }
    }
}
