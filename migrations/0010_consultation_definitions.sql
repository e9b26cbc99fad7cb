-- Every consultation the bot serves, and where it stands: files in surveys/ (recorded the first
-- time they load, so a definition young people have answered stays frozen), files workers upload
-- in chat and quick polls. Open and closed follow from the dates and /close; this holds the rest.
CREATE TABLE consultation_definitions (
    id TEXT PRIMARY KEY,                 -- the id young people answer under
    base_id TEXT NOT NULL,               -- the id as written; later versions are <base_id>-v2, -v3...
    version INTEGER NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('file', 'upload', 'quick poll')),
    source TEXT NOT NULL,                -- the file's path, or the uploaded file's name
    definition TEXT NOT NULL,            -- the YAML served
    state TEXT NOT NULL CHECK (state IN ('draft', 'launched', 'archived')),
    launched_at TEXT,                    -- NULL for a draft never launched (archived or not)
    changed_by INTEGER,                  -- the worker's Telegram id; NULL when the bot did it
    changed_at TEXT NOT NULL,
    UNIQUE (base_id, version)
);

-- Quick polls were kept on their own; they join the rest.
INSERT INTO consultation_definitions
    (id, base_id, version, origin, source, definition, state, launched_at, changed_by, changed_at)
SELECT id, id, 1, 'quick poll', 'quick poll', definition, 'launched', created_at, created_by, created_at
FROM chat_consultations;

DROP TABLE chat_consultations;

-- Who changed a consultation's definition or state, and when.
CREATE TABLE consultation_changes (
    id INTEGER PRIMARY KEY,
    consultation_id TEXT NOT NULL,
    change TEXT NOT NULL,                -- 'recorded', 'updated', 'new version', 'launched', 'archived'
    changed_by INTEGER,
    changed_at TEXT NOT NULL
);
