ALTER TABLE note ADD COLUMN tag TEXT;
UPDATE note SET tag = 'seeded';
