package io.syncsqlite.tck.intkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.keys.KeyScheme;
import io.syncsqlite.TestDb;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.nio.file.Path;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hibernate IDENTITY entities on two offline replicas: ids reported to Hibernate are the stored, collision-free keys. */
class HibernateIdentityTest {
    @Entity
    @Table(name = "parent")
    public static class Parent {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        String name;
    }

    @Entity
    @Table(name = "child")
    public static class Child {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        @ManyToOne(optional = false)
        Parent parent;
        String label;
    }

    @TempDir
    Path dir;

    @Test
    void identityEntitiesOnTwoReplicasMergeWithoutCollisions() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        for (Path p : new Path[] {a, b}) {
            Families.createSchema(p);
            write(p, p == a ? "a" : "b");
        }
        Families.exchangeAndCheck(a, b, 1000, 1);
    }

    private static void write(Path file, String replica) throws Exception {
        long tag;
        try (TestDb db = new TestDb(file)) {
            tag = KeyScheme.tag(db.site());
        }
        try (SessionFactory sf = new Configuration()
                .addAnnotatedClass(Parent.class).addAnnotatedClass(Child.class)
                .setProperty("hibernate.connection.url", "jdbc:syncsqlite:" + file)
                .setProperty("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
                .setProperty("hibernate.hbm2ddl.auto", "none")
                .buildSessionFactory()) {
            sf.inTransaction(session -> {
                for (int i = 0; i < 1000; i++) {
                    Parent p = new Parent();
                    p.name = replica + i;
                    session.persist(p);
                    assertEquals(tag, KeyScheme.tagOf(p.id), "IDENTITY id carries this replica's tag");
                    Child c = new Child();
                    c.parent = p;
                    c.label = p.name + "/0";
                    session.persist(c);
                }
            });
            sf.inSession(session -> {
                Parent first = session.createSelectionQuery("from HibernateIdentityTest$Parent where name = :n", Parent.class)
                        .setParameter("n", replica + "0").getSingleResult();
                assertEquals(first.id, session.find(Parent.class, first.id).id);
            });
        }
    }
}
