package io.syncsqlite.tck;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** An unchanged jOOQ application: dialect detection, DSL CRUD, RETURNING, batch, transactions; then two replicas. */
class JooqIT {
    static final Table<Record> TODO = table(name("todo"));
    static final Field<String> ID = field(name("id"), SQLDataType.VARCHAR(36).nullable(false));
    static final Field<String> TITLE = field(name("title"), SQLDataType.VARCHAR(200));
    static final Field<Integer> DONE = field(name("done"), SQLDataType.INTEGER.nullable(false).defaultValue(0));
    static final Table<Record> AUDIT = table(name("audit"));
    static final Field<Long> AUDIT_ID = field(name("id"), SQLDataType.BIGINT.identity(true));
    static final Field<String> AUDIT_MSG = field(name("msg"), SQLDataType.VARCHAR(100));

    @TempDir
    Path dir;

    /** The application; returns the titles left at the end. */
    static List<String> runApplication(Connection conn) {
        DSLContext dsl = DSL.using(conn);
        assertEquals(SQLDialect.SQLITE, dsl.dialect(), "dialect detected from the connection");
        dsl.createTableIfNotExists(TODO).columns(ID, TITLE, DONE).primaryKey(ID).execute();
        dsl.createTableIfNotExists(AUDIT).columns(AUDIT_ID, AUDIT_MSG).execute();
        assertEquals(1, dsl.insertInto(TODO, ID, TITLE).values("a", "buy milk").execute());
        assertEquals(2, dsl.insertInto(TODO, ID, TITLE).values("b", "walk").values("c", "read").execute());
        Record returned = dsl.insertInto(AUDIT, AUDIT_MSG).values("created").returning(AUDIT_ID).fetchOne();
        assertNotNull(returned);
        assertEquals(dsl.select(AUDIT_ID).from(AUDIT).where(AUDIT_MSG.eq("created")).fetchOne(AUDIT_ID), returned.get(AUDIT_ID),
                "RETURNING hands back the key actually stored");
        Record returnedTodo = dsl.insertInto(TODO, ID, TITLE).values("d", "cook").returning(ID, TITLE, DONE).fetchOne();
        assertEquals("cook", returnedTodo.get(TITLE));
        assertEquals(0, returnedTodo.get(DONE));
        assertEquals(1, dsl.update(TODO).set(DONE, 1).where(ID.eq("a")).execute());
        assertEquals(1, dsl.deleteFrom(TODO).where(ID.eq("c")).execute());
        int[] batch = dsl.batch(
                dsl.insertInto(TODO, ID, TITLE).values("e", "swim"),
                dsl.update(TODO).set(TITLE, "walk the dog").where(ID.eq("b"))).execute();
        assertEquals(List.of(1, 1), List.of(batch[0], batch[1]));
        dsl.transaction(cfg -> DSL.using(cfg).insertInto(TODO, ID, TITLE).values("f", "fly").execute());
        assertThrows(RuntimeException.class, () -> dsl.transaction(cfg -> {
            DSL.using(cfg).insertInto(TODO, ID, TITLE).values("g", "rolled back").execute();
            throw new IllegalStateException("abort");
        }));
        assertEquals(1, dsl.fetchCount(TODO, DONE.eq(1)));
        return dsl.select(TITLE).from(TODO).orderBy(ID).fetch(TITLE);
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void sameApplicationOnBothDrivers(Flavor flavor) throws Exception {
        try (Connection c = DriverManager.getConnection(flavor.prefix + dir.resolve("app.db"))) {
            assertEquals(List.of("buy milk", "walk the dog", "cook", "swim", "fly"), runApplication(c));
        }
    }

    @Test
    void twoReplicasSyncWhatJooqWrote() throws Exception {
        String ns = Replicas.namespace("jooq");
        String a = Replicas.url(dir.resolve("a.db"), ns);
        String b = Replicas.url(dir.resolve("b.db"), ns);
        try (Connection ca = DriverManager.getConnection(a); Connection cb = DriverManager.getConnection(b)) {
            runApplication(ca);
            DSLContext onB = DSL.using(cb);
            onB.createTableIfNotExists(TODO).columns(ID, TITLE, DONE).primaryKey(ID).execute();
            Replicas.syncNow(a);
            Replicas.syncNow(b);
            assertEquals(List.of("buy milk", "walk the dog", "cook", "swim", "fly"), onB.select(TITLE).from(TODO).orderBy(ID).fetch(TITLE));
            onB.update(TODO).set(DONE, 1).where(ID.eq("e")).execute();
            Replicas.syncNow(b);
            Replicas.syncNow(a);
            assertEquals(List.of("a", "e"), DSL.using(ca).select(ID).from(TODO).where(DONE.eq(1)).orderBy(ID).fetch(ID));
        }
    }
}
