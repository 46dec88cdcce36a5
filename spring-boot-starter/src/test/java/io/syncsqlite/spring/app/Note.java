package io.syncsqlite.spring.app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A row of the test application's only table (created by Flyway, db/migration/V1__notes.sql). */
@Entity
public class Note {
    @Id
    private String id;
    private String text;

    protected Note() {
    }

    public Note(String id, String text) {
        this.id = id;
        this.text = text;
    }

    public String getId() {
        return id;
    }

    public String getText() {
        return text;
    }
}
