CREATE TABLE note(id TEXT PRIMARY KEY, body TEXT NOT NULL);
INSERT INTO note(id, body) VALUES ('seed', 'from V1');
