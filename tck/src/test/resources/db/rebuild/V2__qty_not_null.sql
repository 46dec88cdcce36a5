-- SQLite cannot change a column's definition in place: the documented 12-step rebuild
CREATE TABLE item_new(id TEXT PRIMARY KEY, name TEXT, qty INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0));
INSERT INTO item_new(id, name, qty) SELECT id, name, coalesce(qty, 0) FROM item;
DROP TABLE item;
ALTER TABLE item_new RENAME TO item;
CREATE INDEX item_name ON item(name);
