package io.syncsqlite.hub;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The pushes of one group in one open transaction, the same way for every store: each push in a savepoint of its
 * own, so one that fails rolls back alone and the others are still committed together ({@link HubStore#pushAll}).
 */
final class PushGroup {
    /** How a store writes one push in the open transaction. */
    interface Writer {
        HubStore.PushOutcome store(HubStore.Push push) throws SQLException;

        /** The push being stored failed and was rolled back: forget what was counted for it. */
        void rolledBack();
    }

    private PushGroup() {
    }

    /**
     * Stores each of {@code pushes} in {@code c}'s open transaction through {@code writer}, in order; the caller commits.
     * A group of one needs no savepoint: its failure rolls the whole transaction back.
     */
    static List<HubStore.Stored> store(Connection c, List<HubStore.Push> pushes, Writer writer) throws SQLException {
        List<HubStore.Stored> out = new ArrayList<>(pushes.size());
        boolean alone = pushes.size() == 1;
        for (HubStore.Push p : pushes) {
            Savepoint sp = alone ? null : c.setSavepoint();
            try {
                out.add(new HubStore.Stored(writer.store(p), null));
                if (sp != null) c.releaseSavepoint(sp);
            } catch (SQLException | RuntimeException e) {
                if (sp != null) c.rollback(sp);
                else c.rollback();
                writer.rolledBack();
                out.add(new HubStore.Stored(null, e instanceof SQLException sql ? sql
                        : new SQLException("push to namespace " + p.ns() + " failed: " + e, "XX000", e)));
            }
        }
        return out;
    }
}
