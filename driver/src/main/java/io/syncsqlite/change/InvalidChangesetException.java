package io.syncsqlite.change;

import java.sql.SQLException;

/** A changeset that is malformed or names something this replica refuses; nothing of it was applied. */
public class InvalidChangesetException extends SQLException {
    public InvalidChangesetException(String message) {
        super(message, "22023");
    }

    public InvalidChangesetException(String message, Throwable cause) {
        super(message, "22023", cause);
    }
}
