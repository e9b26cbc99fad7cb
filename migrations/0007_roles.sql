-- Roles an admin grants in chat (/grant, /revoke); ADMIN_IDS, WORKER_IDS and OFFICER_IDS in the
-- settings count as well. Every change is kept, with who made it and when.
CREATE TABLE roles (
    user_id INTEGER PRIMARY KEY,            -- Telegram user id of the worker or officer
    role TEXT NOT NULL CHECK (role IN ('worker', 'officer')),
    granted_by INTEGER NOT NULL,
    granted_at TEXT NOT NULL
);

CREATE TABLE role_changes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    role TEXT,                              -- NULL when revoked
    changed_by INTEGER NOT NULL,
    changed_at TEXT NOT NULL
);
