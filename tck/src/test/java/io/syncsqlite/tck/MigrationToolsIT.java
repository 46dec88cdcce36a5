package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncResult;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration tools run unchanged, by URL, on one replica while the other keeps writing: Flyway with a table rebuild,
 * Liquibase with a changeset that rebuilds a table in Liquibase's order (its modifyDataType/addNotNullConstraint are
 * refused on SQLite by Liquibase 4.33 itself and its dropColumn leaves the column, on plain {@code jdbc:sqlite:} too), Hibernate's hbm2ddl=update.
 * Each test asserts that the other replica's concurrent edit survives, that unpublished local changes survive, and
 * exactly how many changes the migration published.
 */
class MigrationToolsIT {
    @TempDir
    Path dir;

    private static void exec(Connection c, String... sql) throws Exception {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    private static Object one(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    private static SyncResult sync(Connection c) throws Exception {
        return c.unwrap(SyncConnection.class).syncNow();
    }

    private static String dump(Connection c, String table) throws Exception {
        return String.valueOf(one(c, "SELECT group_concat(r, ';') FROM (SELECT quote(id) || ',' || quote(name) || ',' || quote(qty) AS r FROM "
                + table + " ORDER BY id)"));
    }

    private static final String ROWS = "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 200)"
            + " INSERT INTO item(id, name, qty) SELECT 'i' || v, 'n' || v, CASE WHEN v % 50 = 0 THEN NULL ELSE v END FROM n";

    private static void flyway(String url, String target) {
        // the URL shortcut: Flyway finds the driver through the plugin the driver jar ships
        Flyway.configure().dataSource(url, "", "").locations("classpath:db/rebuild").target(target).load().migrate();
    }

    @Test
    void flywayRebuildOnOneReplicaWhileTheOtherWrites() throws Exception {
        String ns = Replicas.namespace("flyway-rebuild");
        String a = Replicas.url(dir.resolve("a.db"), ns);
        String b = Replicas.url(dir.resolve("b.db"), ns);
        try (Connection ca = DriverManager.getConnection(a); Connection cb = DriverManager.getConnection(b)) {
            flyway(a, "1");
            flyway(b, "1");
            exec(ca, ROWS);
            sync(ca);
            sync(cb);
            exec(cb, "UPDATE item SET name = 'edited on b' WHERE id = 'i7'");
            exec(ca, "DELETE FROM item WHERE id = 'i9'", "UPDATE item SET name = 'edited on a' WHERE id = 'i8'");
            flyway(a, "latest");
            // the delete, the edit, and the four NULL quantities the rebuild turned into 0: nothing else
            assertEquals(1 + 1 + 4, sync(ca).pushed());
            sync(cb);
            sync(ca);
            assertEquals("edited on b", one(ca, "SELECT name FROM item WHERE id = 'i7'"));
            assertEquals("edited on a", one(cb, "SELECT name FROM item WHERE id = 'i8'"));
            assertNull(one(cb, "SELECT id FROM item WHERE id = 'i9'"));
            flyway(b, "latest");
            assertEquals(0, sync(cb).pushed(), "b's rebuild changes nothing a has not already published");
            sync(ca);
            assertEquals(dump(ca, "item"), dump(cb, "item"));
            assertEquals(199, ((Number) one(cb, "SELECT count(*) FROM item")).intValue());
        }
    }

    private static void liquibase(String url, int changeSets) throws Exception {
        ClassLoaderResourceAccessor resources = new ClassLoaderResourceAccessor();
        // the URL form: Liquibase finds the driver through the database implementation the driver jar ships
        Database db = DatabaseFactory.getInstance().openDatabase(url, null, null, null, resources);
        try (Liquibase lb = new Liquibase("db/liquibase/changelog.xml", resources, db)) {
            if (changeSets > 0) lb.update(changeSets, new Contexts(), new LabelExpression());
            else lb.update(new Contexts(), new LabelExpression());
        }
    }

    @Test
    void liquibaseRebuildsOnOneReplicaWhileTheOtherWrites() throws Exception {
        String ns = Replicas.namespace("liquibase");
        String a = Replicas.url(dir.resolve("a.db"), ns);
        String b = Replicas.url(dir.resolve("b.db"), ns);
        try (Connection ca = DriverManager.getConnection(a); Connection cb = DriverManager.getConnection(b)) {
            liquibase(a, 1);
            liquibase(b, 1);
            exec(ca, ROWS, "UPDATE item SET legacy = 'old'");
            sync(ca);
            sync(cb);
            exec(cb, "UPDATE item SET name = 'edited on b' WHERE id = 'i7'", "UPDATE item SET legacy = 'late' WHERE id = 'i1'");
            exec(ca, "DELETE FROM item WHERE id = 'i9'");
            liquibase(a, 0);
            assertEquals(1 + 4, sync(ca).pushed(), "the unpublished delete and the four NULL quantities the rebuild made 0: nothing else");
            sync(cb);
            sync(ca);
            assertEquals("edited on b", one(ca, "SELECT name FROM item WHERE id = 'i7'"));
            assertNull(one(cb, "SELECT id FROM item WHERE id = 'i9'"));
            assertEquals(1, ((Number) one(ca, "SELECT count(*) FROM _syncsqlite_archived")).intValue(), "b's edit of the dropped column is archived on a, not pending");
            assertEquals(0, ((Number) one(ca, "SELECT count(*) FROM _syncsqlite_pending")).intValue());
            liquibase(b, 0);
            assertEquals(0, sync(cb).pushed());
            sync(ca);
            assertEquals(dump(ca, "item"), dump(cb, "item"));
        }
    }

    /** The application's entity before the migration. */
    @Entity(name = "Gadget")
    @Table(name = "gadget")
    public static class Gadget {
        @Id
        String id;
        String name;
    }

    /** The same entity after a release added a field; hbm2ddl=update adds the column. */
    @Entity(name = "GadgetV2")
    @Table(name = "gadget")
    public static class GadgetV2 {
        @Id
        String id;
        String name;
        String note;
    }

    private static SessionFactory hibernate(String url, Class<?> entity) {
        return new Configuration().addAnnotatedClass(entity)
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
                .setProperty("hibernate.hbm2ddl.auto", "update")
                .setProperty("hibernate.connection.pool_size", "2")
                .buildSessionFactory();
    }

    @Test
    void hibernateUpdateOnOneReplicaWhileTheOtherWrites() throws Exception {
        String ns = Replicas.namespace("hbm2ddl");
        String a = Replicas.url(dir.resolve("a.db"), ns);
        String b = Replicas.url(dir.resolve("b.db"), ns);
        try (Connection ca = DriverManager.getConnection(a); Connection cb = DriverManager.getConnection(b)) {
            hibernate(a, Gadget.class).close();
            hibernate(b, Gadget.class).close();
            exec(ca, "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 20) INSERT INTO gadget(id, name) SELECT 'g' || v, 'n' || v FROM n");
            sync(ca);
            sync(cb);
            exec(cb, "UPDATE gadget SET name = 'edited on b' WHERE id = 'g2'");
            exec(ca, "UPDATE gadget SET name = 'edited on a' WHERE id = 'g3'");
            try (SessionFactory sf = hibernate(a, GadgetV2.class)) {
                sf.inTransaction(s -> s.find(GadgetV2.class, "g4").note = "noted");
            }
            assertEquals(1 + 1, sync(ca).pushed(), "the unpublished edit and the note: the added column is no write of its own");
            sync(cb); // b, still without the column, keeps the note pending and sends its edit
            sync(ca);
            assertEquals("edited on b", one(ca, "SELECT name FROM gadget WHERE id = 'g2'"));
            assertEquals("edited on a", one(cb, "SELECT name FROM gadget WHERE id = 'g3'"));
            hibernate(b, GadgetV2.class).close();
            assertEquals(0, sync(cb).pushed());
            assertEquals("noted", one(cb, "SELECT note FROM gadget WHERE id = 'g4'"));
        }
    }
}
