package io.syncsqlite;

import java.time.Instant;
import java.util.List;

/**
 * A local change refused on its way out (over a limit of the wire format or of a hub), kept instead of dropped. Listed
 * by {@link SyncConnection#deadLetters(int)}; {@link SyncConnection#retryDeadLetter(long)} offers it again and
 * {@link SyncConnection#discardDeadLetter(long)} forgets it.
 *
 * @param id      the entry's id, stable while it is kept
 * @param table   the table
 * @param key     the row's primary-key values in key order
 * @param column  the column, or {@code null} for the row's existence (its insert or delete)
 * @param reason  why it was refused
 * @param refuser who refused it: {@code local} (this driver's own limits) or the hub or peer that did
 * @param since   when it was refused, or {@code null} when an older version of the driver kept it without saying
 */
public record DeadLetter(long id, String table, List<Object> key, String column, String reason, String refuser, Instant since) {
    public DeadLetter {
        key = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(key));
    }
}
