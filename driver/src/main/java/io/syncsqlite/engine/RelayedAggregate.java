package io.syncsqlite.engine;

import io.syncsqlite.capture.Sql;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.sqlite.Function;

/**
 * An application's aggregate or window function on the engine's connection (see {@link AppDefinitions}). SQLite steps
 * it row by row, so the relay keeps the rows of its group (or window frame) and, when SQLite asks for the value, has
 * an application connection that registered the function aggregate exactly those rows in the order they came:
 * {@code WITH r(i, a0, …) AS (VALUES (?, ?, …), …) SELECT name(a0, … ORDER BY i) FROM r WHERE i > 0}. The
 * application's object thus only ever runs on its own connection, as xerial runs it. A window's value is the
 * aggregate of its frame (what {@code xInverse} and {@code xValue} compute incrementally on the application's side),
 * evaluated whole each time: a frame of n rows costs n bound values.
 *
 * <p>xerial gives each group a clone of the registered object ({@link #clone}): the rows are per clone.
 */
final class RelayedAggregate extends Function.Window {
    /** xerial's SQLITE_MAX_VARIABLE_NUMBER: the bound values one query can take. */
    private static final int MAX_VALUES = 250_000;

    private final ProviderQuery query;
    private final AppDefinitions.Name name;
    private Deque<Object[]> rows = new ArrayDeque<>();

    RelayedAggregate(AppDefinitions definitions, AppDefinitions.Name name) {
        this.query = new ProviderQuery(definitions, name);
        this.name = name;
    }

    @Override
    protected void xStep() throws SQLException {
        Object[] row = new Object[args()];
        for (int i = 0; i < row.length; i++) row[i] = RelayedValue.of(value_type(i), i, this::value_long, this::value_double, this::value_text, this::value_blob);
        rows.addLast(row);
    }

    @Override
    protected void xInverse() throws SQLException {
        rows.pollFirst(); // SQLite removes rows from a frame in the order they entered it
    }

    @Override
    protected void xValue() throws SQLException {
        answer();
    }

    @Override
    protected void xFinal() throws SQLException {
        answer();
    }

    @Override
    public Object clone() throws CloneNotSupportedException {
        RelayedAggregate group = (RelayedAggregate) super.clone();
        group.rows = new ArrayDeque<>();
        return group;
    }

    /** The application's aggregate of the rows now held, given back to SQLite. */
    private void answer() throws SQLException {
        int width = rows.isEmpty() ? Math.max(0, name.args()) : rows.peekFirst().length;
        // rows padded to a power of two (the padding's i = 0 is filtered out): a few statement texts cover every size
        int size = rows.size() <= 1 ? 1 : Integer.highestOneBit(rows.size() - 1) << 1;
        if ((long) size * (width + 1) > MAX_VALUES) {
            // worded as SQLite words a missing function: the change waits for set-up, not data, with an ERROR event
            throw new SQLException("no such function: " + name.name() + " over " + rows.size() + " rows on the sync engine's connection"
                    + " (a relay takes at most " + MAX_VALUES + " values): register it with SyncConnection.onEngineConnection");
        }
        List<Object> values = new ArrayList<>(size * (width + 1));
        int i = 0;
        for (Object[] row : rows) {
            values.add(++i);
            for (int a = 0; a < width; a++) values.add(a < row.length ? row[a] : null);
        }
        while (values.size() < size * (width + 1)) values.add(values.size() % (width + 1) == 0 ? 0 : null);
        RelayedValue.answer(query.evaluate(sql(size, width), values), this::result, this::result, this::result, this::result, this::result);
    }

    private String sql(int size, int width) {
        StringBuilder columns = new StringBuilder("i");
        StringBuilder args = new StringBuilder();
        StringBuilder row = new StringBuilder("(?");
        for (int a = 0; a < width; a++) {
            columns.append(", a").append(a);
            args.append(a == 0 ? "" : ", ").append('a').append(a);
            row.append(", ?");
        }
        row.append(')');
        StringBuilder sql = new StringBuilder("WITH r(").append(columns).append(") AS (VALUES ");
        for (int r = 0; r < size; r++) sql.append(r == 0 ? "" : ", ").append(row);
        // ORDER BY inside the call: the rows reach the application's xStep in the order SQLite stepped the relay
        sql.append(") SELECT ").append(Sql.quote(name.name())).append('(').append(args).append(width == 0 ? "" : " ORDER BY i").append(") FROM r WHERE i > 0");
        return sql.toString();
    }
}
