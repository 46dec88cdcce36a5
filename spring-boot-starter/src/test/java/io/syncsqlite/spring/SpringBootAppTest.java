package io.syncsqlite.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncsqlite.spring.app.Note;
import io.syncsqlite.spring.app.NoteRepository;
import io.syncsqlite.spring.app.NotesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two replicas of a Spring Boot application (Spring Data JPA repository, Flyway migration) syncing through a shared
 * folder. The first sets nothing but {@code spring.datasource.url=jdbc:syncsqlite:…?sync.…}; the second gives its sync
 * settings as {@code syncsqlite.*} properties.
 */
class SpringBootAppTest {
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void twoReplicasOfASpringDataJpaAppWithFlywaySync() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        Path a = dir.resolve("a.db").toAbsolutePath();
        Path b = dir.resolve("b.db").toAbsolutePath();
        try (ConfigurableApplicationContext appA = start("spring.datasource.url=jdbc:syncsqlite:" + a + "?sync.transport=nas&sync.dir=" + share
                     + "&sync.interval=200ms");
             ConfigurableApplicationContext appB = start("spring.datasource.url=jdbc:syncsqlite:" + b, "syncsqlite.transport=nas",
                     "syncsqlite.dir=" + share, "syncsqlite.interval=200ms")) {
            NoteRepository notesA = appA.getBean(NoteRepository.class);
            NoteRepository notesB = appB.getBean(NoteRepository.class);
            notesA.save(new Note("a1", "written on a"));
            notesB.save(new Note("b1", "written on b"));
            notesB.save(new Note("b2", "written on b"));

            Semaphore rounds = new Semaphore(0);
            listen(appA, rounds);
            listen(appB, rounds);
            long deadline = System.nanoTime() + CONVERGE.toNanos();
            while (notesA.count() != 3 || notesB.count() != 3) { // checked again after each round of either app
                if (!rounds.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) break;
            }
            assertEquals("nas", status(appB).transport(), "syncsqlite.* properties reach the driver");
            assertEquals(List.of("a1", "b1", "b2"), notesA.findAll().stream().map(Note::getId).sorted().toList(),
                    "a: " + status(appA) + "\nb: " + status(appB) + "\nb holds " + notesB.findAll().stream().map(Note::getId).toList()
                    + "\nshare: " + java.util.Arrays.toString(share.toFile().list()));
            assertEquals(List.of("a1", "b1", "b2"), notesB.findAll().stream().map(Note::getId).sorted().toList());
            assertEquals("written on a", notesB.findById("a1").orElseThrow().getText());

            Health health = appB.getBean(SyncsqliteHealthIndicator.class).health(true);
            assertEquals(Status.UP, health.getStatus(), health.toString());
            assertEquals("nas", health.getDetails().get("transport"));

            MeterRegistry registry = appA.getBean(MeterRegistry.class);
            double sent = registry.get("syncsqlite.changes.sent").tag("file", a.toString()).functionCounter().count();
            assertTrue(sent >= 2, "a published its note (id and text): " + sent);
        }
    }

    /** Releases a permit of {@code rounds} each time a sync round of {@code app}'s database ends, well or not. */
    private static void listen(ConfigurableApplicationContext app, Semaphore rounds) throws java.sql.SQLException {
        try (java.sql.Connection c = app.getBean(javax.sql.DataSource.class).getConnection()) {
            c.unwrap(io.syncsqlite.SyncConnection.class).addListener(e -> {
                if (e.type() == io.syncsqlite.SyncEvent.Type.COMPLETED || e.type() == io.syncsqlite.SyncEvent.Type.FAILED) rounds.release();
            });
        }
    }

    private static io.syncsqlite.SyncStatus status(ConfigurableApplicationContext app) throws java.sql.SQLException {
        try (java.sql.Connection c = app.getBean(javax.sql.DataSource.class).getConnection()) {
            return c.unwrap(io.syncsqlite.SyncConnection.class).status();
        }
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(NotesApp.class).web(WebApplicationType.NONE).properties(properties).run();
    }
}
