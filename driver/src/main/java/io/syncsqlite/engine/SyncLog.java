package io.syncsqlite.engine;

import io.syncsqlite.ErrorText;
import io.syncsqlite.SyncEvent;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an application's log shows of one database file's sync, for applications that only changed their URL and
 * listen to nothing (logger {@value #NAME}, through {@link System.Logger}; routing it to SLF4J, Log4j or JUL is
 * described in docs/configuration.md, "Logging"):
 * <ul>
 * <li>WARNING for what a user must act on: rounds that keep failing (once the engine reports the sync stalled, and
 * again only when the failure becomes another one), and problems inside working rounds ({@code ERROR} events: dead
 * letters, damaged files, clock drift, rows that cannot sync), each kind once — a hub that stays unreachable is one
 * line, not one per round;</li>
 * <li>INFO for recoveries and notable turns (sync recovered, another process took over, schema drift);</li>
 * <li>DEBUG for the rest (every round, every failure with its stack trace).</li>
 * </ul>
 * A "kind" is a message with its numbers blanked out, so counts, times and sequence numbers do not make a new kind.
 */
final class SyncLog {
    /** The logger every engine reports to. */
    static final String NAME = "io.syncsqlite.sync";
    /** Kinds remembered per file: a bound, so a stream of distinct problems cannot grow memory. */
    private static final int MAX_KINDS = 256;
    private static final Pattern NUMBERS = Pattern.compile("\\d+");

    private final System.Logger log = System.getLogger(NAME);
    private final String file;
    private final Set<String> warned = new LinkedHashSet<>();
    /** The kind of failure last warned about while rounds keep failing; {@code null} while they succeed. */
    private String failing;

    SyncLog(String file) {
        this.file = file;
    }

    /** An event sent to listeners: {@code ERROR} events once per kind at WARNING, the others at DEBUG. */
    synchronized void event(SyncEvent e) {
        if (e.type() == SyncEvent.Type.FAILED) return; // logged by roundFailed, with its stack trace
        if (e.type() == SyncEvent.Type.ERROR && firstOfKind(e.message())) {
            log.log(System.Logger.Level.WARNING, "sync of " + file + ": " + e.message());
            if (e.error() != null) log.log(System.Logger.Level.DEBUG, "sync of " + file + ": details", e.error());
        } else if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.DEBUG, "sync of " + file + ": " + e.type() + " " + e.message());
        }
    }

    /** A notable turn that needs no action: at INFO. */
    void notable(String message) {
        log.log(System.Logger.Level.INFO, "sync of " + file + ": " + message);
    }

    /**
     * A round failed, the {@code failures}-th in a row. Details at DEBUG; once the sync is reported stalled (at
     * {@code stallRounds}, by an {@code ERROR} event that names the error), a failure of another kind is a WARNING.
     */
    synchronized void roundFailed(int failures, int stallRounds, String message, Throwable error) {
        log.log(System.Logger.Level.DEBUG, message, error);
        if (failures < stallRounds) return;
        String kind = kind(ErrorText.of(error));
        if (failures > stallRounds && !kind.equals(failing)) {
            log.log(System.Logger.Level.WARNING, "sync of " + file + " still fails, now: " + message
                    + "; local changes are kept and retried with backoff");
        }
        failing = kind;
    }

    /**
     * The last push, as the file closes, failed: a WARNING without a stack trace (that goes to DEBUG), unless the
     * rounds were already failing alike and the log said so.
     */
    synchronized void finalSyncFailed(String message, Throwable error) {
        log.log(System.Logger.Level.DEBUG, message, error);
        if (failing == null || !failing.equals(kind(ErrorText.of(error)))) log.log(System.Logger.Level.WARNING, "sync of " + file + ": " + message);
    }

    /** A round succeeded after {@code failures} failed ones: INFO if the failure was reported; its kinds may warn again. */
    synchronized void recovered(int failures) {
        if (failing == null) return;
        failing = null;
        warned.clear();
        log.log(System.Logger.Level.INFO, "sync of " + file + " recovered after " + failures + " failed rounds");
    }

    private boolean firstOfKind(String message) {
        String kind = kind(message);
        if (warned.contains(kind)) return false;
        if (warned.size() >= MAX_KINDS) warned.remove(warned.iterator().next());
        warned.add(kind);
        return true;
    }

    private static String kind(String message) {
        return NUMBERS.matcher(String.valueOf(message)).replaceAll("#");
    }
}
