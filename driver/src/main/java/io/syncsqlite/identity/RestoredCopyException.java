package io.syncsqlite.identity;

import java.sql.SQLException;

/**
 * The shared folder or hub holds publications of this database's site that the database does not know of: the
 * database is a restored copy of an older state of its site (a backup put back in place, side file included). Thrown
 * by a transport, or by the merge when a change stamped with the database's own site turns out to be newer than what
 * the database holds; the sync engine then makes the database a new site ({@link SiteIdentity#renewAsRestored}) and
 * starts its transport again under it, so it gets back what its old site published after the backup and picks keys
 * from a block of its own. Nothing of the call that threw was applied.
 */
public final class RestoredCopyException extends SQLException {
    public RestoredCopyException(String evidence) {
        super(evidence);
    }

    /** The exception itself or the first of its causes that is one, else {@code null}. */
    public static RestoredCopyException in(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof RestoredCopyException r) return r;
        }
        return null;
    }
}
