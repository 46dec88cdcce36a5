package io.syncsqlite.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An ordinary Spring Boot application: Spring Data JPA, Flyway, a data source URL; nothing syncsqlite-specific. */
@SpringBootApplication
public class NotesApp {
}
