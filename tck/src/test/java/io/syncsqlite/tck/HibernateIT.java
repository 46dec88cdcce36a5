package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An unchanged Hibernate ORM application (community {@code SQLiteDialect}, schema by {@code hbm2ddl}): entities with
 * a one-to-many relation, CRUD and JPQL; then two syncing replicas exchanging those entities. String/UUID ids.
 */
class HibernateIT {
    @Entity(name = "Author")
    @Table(name = "author")
    public static class Author {
        @Id
        String id;
        String name;
        @OneToMany(mappedBy = "author", cascade = CascadeType.ALL, orphanRemoval = true)
        List<Book> books = new ArrayList<>();

        protected Author() {
        }

        Author(String name) {
            this.id = UUID.randomUUID().toString();
            this.name = name;
        }

        void add(Book b) {
            b.author = this;
            books.add(b);
        }
    }

    @Entity(name = "Book")
    @Table(name = "book")
    public static class Book {
        @Id
        String id;
        String title;
        int pages;
        @ManyToOne(fetch = FetchType.LAZY, optional = false)
        Author author;

        protected Book() {
        }

        Book(String title, int pages) {
            this.id = UUID.randomUUID().toString();
            this.title = title;
            this.pages = pages;
        }
    }

    @TempDir
    Path dir;

    /** The application's bootstrap: everything but the URL is fixed. */
    static SessionFactory sessionFactory(String url) {
        return new Configuration()
                .addAnnotatedClass(Author.class)
                .addAnnotatedClass(Book.class)
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .setProperty("hibernate.connection.pool_size", "2")
                .buildSessionFactory();
    }

    /** CRUD and JPQL; returns the id of the author it keeps. */
    static String runApplication(SessionFactory sf) {
        Author tolkien = new Author("Tolkien");
        tolkien.add(new Book("The Hobbit", 310));
        tolkien.add(new Book("The Silmarillion", 365));
        Author leGuin = new Author("Le Guin");
        leGuin.add(new Book("A Wizard of Earthsea", 183));
        sf.inTransaction(s -> {
            s.persist(tolkien);
            s.persist(leGuin);
        });
        sf.inTransaction(s -> {
            Author a = s.find(Author.class, tolkien.id);
            a.name = "J. R. R. Tolkien";
            a.books.get(0).pages = 320;
        });
        sf.inTransaction(s -> s.remove(s.find(Author.class, leGuin.id)));
        sf.inSession(s -> {
            List<Object[]> rows = s.createSelectionQuery(
                    "select a.name, b.title, b.pages from Book b join b.author a where b.pages > :min order by b.title", Object[].class)
                    .setParameter("min", 300).getResultList();
            assertEquals(2, rows.size());
            assertEquals(List.of("J. R. R. Tolkien", "The Hobbit", 320), List.of(rows.get(0)));
            assertEquals(2L, s.createSelectionQuery("select count(b) from Book b", Long.class).getSingleResult());
            assertNull(s.find(Author.class, leGuin.id));
        });
        int updated = sf.fromTransaction(s -> s.createMutationQuery("update Book b set b.pages = b.pages + 1 where b.title like 'The S%'").executeUpdate());
        assertEquals(1, updated);
        return tolkien.id;
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void sameApplicationOnBothDrivers(Flavor flavor) {
        try (SessionFactory sf = sessionFactory(flavor.prefix + dir.resolve("app.db"))) {
            runApplication(sf);
        }
    }

    @Test
    void twoReplicasSyncTheEntities() throws Exception {
        String ns = Replicas.namespace("hibernate");
        String a = Replicas.url(dir.resolve("a.db"), ns);
        String b = Replicas.url(dir.resolve("b.db"), ns);
        try (SessionFactory onA = sessionFactory(a); SessionFactory onB = sessionFactory(b)) {
            String authorId = runApplication(onA);
            Replicas.syncNow(a);
            Replicas.syncNow(b);
            onB.inSession(s -> {
                Author author = s.find(Author.class, authorId);
                assertEquals("J. R. R. Tolkien", author.name);
                assertEquals(List.of("The Hobbit:320", "The Silmarillion:366"),
                        s.createSelectionQuery("select b.title || ':' || b.pages from Book b where b.author.id = :id order by b.title", String.class)
                                .setParameter("id", authorId).getResultList());
                assertEquals(0L, s.createSelectionQuery("select count(a) from Author a where a.name = 'Le Guin'", Long.class).getSingleResult());
            });
            onB.inTransaction(s -> s.find(Author.class, authorId).add(new Book("The Children of Húrin", 313)));
            Replicas.syncNow(b);
            Replicas.syncNow(a);
            onA.inSession(s -> assertEquals(3L,
                    s.createSelectionQuery("select count(b) from Book b where b.author.id = :id", Long.class).setParameter("id", authorId).getSingleResult()));
        }
    }
}
