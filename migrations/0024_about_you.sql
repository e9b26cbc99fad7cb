-- "About you": a few optional questions (age, area, care experience...), asked once per young
-- person whichever consultation asks first. What they said is kept sealed (AES-GCM under a key
-- derived from PSEUDONYM_KEY) and found by a keyed mark, so the database alone can neither read it
-- nor say whose it is. `used_month` (the month only) is for retention, like a consent record's.
CREATE TABLE about_you (
    person TEXT PRIMARY KEY,
    sealed BLOB NOT NULL,
    used_month TEXT NOT NULL
) WITHOUT ROWID;

-- What a finished response counts under in breakdowns: a copy of their "about you" when they sent
-- it, of the questions its consultation uses only. No order of writing (WITHOUT ROWID), no date.
CREATE TABLE response_about_you (
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (response_id, field)
) WITHOUT ROWID;
