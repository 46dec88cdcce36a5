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

/**
 * Hibernate IDENTITY entities with {@code Integer} ids on two replicas: ids reported to Hibernate are the stored,
 * collision-free keys, they fit the {@code Integer}, {@code find} finds them, and a later change to an entity the other
 * replica created reaches the row it should.
 */
class HibernateIdentityIT {
    @Entity
    @Table(name = "parent")
    public static class Parent {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Integer id;
        String name;
    }

    @Entity
    @Table(name = "child")
    public static class Child {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Integer id;
        @ManyToOne(optional = false)
        Parent parent;
        String label;
    }

    private static final int PARENTS = 300;

    @TempDir
    Path dir;

    @Test
    void identityEntitiesOnTwoReplicasMergeWithoutCollisions() throws Exception {
        Path[] files = Families.writeTwoReplicas(dir, HibernateIdentityIT::write);
        Path a = files[0];
        Path b = files[1];
        Families.exchangeAndCheck(a, b, PARENTS, 1);
        int fromA;
        try (SessionFactory sf = sessionFactory(a)) {
            fromA = sf.fromSession(session -> session.createSelectionQuery("from HibernateIdentityIT$Parent where name = 'a7'", Parent.class)
                    .getSingleResult().id);
        }
        try (SessionFactory sf = sessionFactory(b)) {
            sf.inTransaction(session -> session.find(Parent.class, fromA).name = "a7 renamed on b");
            sf.inSession(session -> assertEquals("a7 renamed on b", session.find(Parent.class, fromA).name));
        }
    }

    private static SessionFactory sessionFactory(Path file) {
        return sessionFactory("jdbc:syncsqlite:" + file);
    }

    /** Hibernate over {@code url}, for the families' entities, the schema left to the test. */
    static SessionFactory sessionFactory(String url) {
        return new Configuration()
                .addAnnotatedClass(Parent.class).addAnnotatedClass(Child.class)
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
                .setProperty("hibernate.hbm2ddl.auto", "none")
                .buildSessionFactory();
    }

    private static void write(Path file, String replica, int tag) throws Exception {
        try (TestDb db = new TestDb(file)) {
            assertEquals(tag, db.keyBlock(), "the replica's key block");
        }
        try (SessionFactory sf = sessionFactory(file)) {
            sf.inTransaction(session -> {
                for (int i = 0; i < PARENTS; i++) {
                    Parent p = new Parent();
                    p.name = replica + i;
                    session.persist(p);
                    assertEquals(tag, KeyScheme.blockTagOf(p.id), "IDENTITY id is a key of this replica's block");
                    Child c = new Child();
                    c.parent = p;
                    c.label = p.name + "/0";
                    session.persist(c);
                }
            });
            sf.inSession(session -> {
                Parent first = session.createSelectionQuery("from HibernateIdentityIT$Parent where name = :n", Parent.class)
                        .setParameter("n", replica + "0").getSingleResult();
                assertEquals(first.id, session.find(Parent.class, first.id).id);
            });
        }
    }
}
