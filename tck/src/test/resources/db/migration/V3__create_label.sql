CREATE TABLE label(id TEXT PRIMARY KEY, note TEXT NOT NULL REFERENCES note(id), name TEXT NOT NULL);
CREATE INDEX label_note ON label(note);
