-- The durable intake: every update Telegram sends is written here (raw JSON, keyed by update_id)
-- before Telegram is told it arrived, and handled from here. A handled update keeps its row, with
-- its words gone, for two days: Telegram may deliver it again and it must not be handled twice.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    payload TEXT,                       -- the update as Telegram sent it; NULL once handled
    received_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,  -- times its handler failed (not counting outside trouble)
    restarts INTEGER NOT NULL DEFAULT 0,  -- times a new run of the bot took it up again
    done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE done = 0;

-- Updates set aside: the library could not read them, or their handler failed again and again.
-- Only their shape is kept (every word and id blanked), for a week, so a developer can see why.
CREATE TABLE quarantine (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    reason TEXT NOT NULL,
    quarantined_at TEXT NOT NULL
);

-- For `bot health`: when the intake last showed it was alive (Telegram answered its getUpdates,
-- or its webhook was serving), and when it last finished handling an update.
CREATE TABLE intake_heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    mode TEXT NOT NULL,
    beat_at TEXT NOT NULL,
    progress_at TEXT
);
