package io.syncsqlite.engine;

import io.syncsqlite.capture.Sql;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.sqlite.Function;

/**
 * An application's scalar function on the engine's connection: each call evaluates {@code name(?, …)} with the same
 * arguments on an open application connection that registered it (see {@link AppDefinitions}). When none does any
 * more, the call fails as a missing function does, so the change waits with that reason.
 */
final class RelayedFunction extends Function {
    private final ProviderQuery query;
    private final AppDefinitions.Name name;

    RelayedFunction(AppDefinitions definitions, AppDefinitions.Name name) {
        this.query = new ProviderQuery(definitions, name);
        this.name = name;
    }

    @Override
    protected void xFunc() throws SQLException {
        int n = args();
        StringJoiner params = new StringJoiner(", ", "SELECT " + Sql.quote(name.name()) + "(", ")");
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            params.add("?");
            values.add(RelayedValue.of(value_type(i), i, this::value_long, this::value_double, this::value_text, this::value_blob));
        }
        RelayedValue.answer(query.evaluate(params.toString(), values), this::result, this::result, this::result, this::result, this::result);
    }
}
