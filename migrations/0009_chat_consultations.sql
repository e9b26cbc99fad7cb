-- Consultations made in chat (/quickpoll), kept as the same YAML a file would hold, so they load
-- through the same checks as files in surveys/.
CREATE TABLE chat_consultations (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
