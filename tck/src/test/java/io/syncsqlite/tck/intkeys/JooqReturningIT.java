package io.syncsqlite.tck.intkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.keys.KeyScheme;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jOOQ inserts with RETURNING on two offline replicas: the returned id is the stored, collision-free key. */
class JooqReturningIT {
    static final Table<Record> PARENT = DSL.table(DSL.name("parent"));
    static final Field<Long> PARENT_ID = DSL.field(DSL.name("id"), SQLDataType.BIGINT.identity(true));
    static final Field<String> PARENT_NAME = DSL.field(DSL.name("name"), SQLDataType.VARCHAR);
    static final Table<Record> CHILD = DSL.table(DSL.name("child"));
    static final Field<Long> CHILD_PARENT = DSL.field(DSL.name("parent_id"), SQLDataType.BIGINT);
    static final Field<String> CHILD_LABEL = DSL.field(DSL.name("label"), SQLDataType.VARCHAR);

    private static final int PARENTS = 300;

    @TempDir
    Path dir;

    @Test
    void returningOnTwoReplicasMergesWithoutCollisions() throws Exception {
        Path[] files = Families.writeTwoReplicas(dir, JooqReturningIT::write);
        Families.exchangeAndCheck(files[0], files[1], PARENTS, 2);
    }

    private static void write(Path file, String replica, int tag) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file)) {
            DSLContext ctx = DSL.using(c);
            assertEquals(org.jooq.SQLDialect.SQLITE, ctx.dialect(), "dialect detected from getURL()");
            ctx.transaction(tx -> {
                for (int i = 0; i < PARENTS; i++) {
                    String name = replica + i;
                    Long id = tx.dsl().insertInto(PARENT, PARENT_NAME).values(name).returning(PARENT_ID).fetchOne(PARENT_ID);
                    assertEquals(tag, KeyScheme.blockTagOf(id));
                    assertEquals(id, tx.dsl().select(PARENT_ID).from(PARENT).where(PARENT_NAME.eq(name)).fetchOne(PARENT_ID));
                    tx.dsl().insertInto(CHILD, CHILD_PARENT, CHILD_LABEL).values(id, name + "/0").values(id, name + "/1").execute();
                }
            });
        }
    }
}
