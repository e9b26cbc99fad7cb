-- One row per scheduled summary: which moment (UTC) it is for, and whether Telegram has taken it.
-- A summary is sent once per scheduled moment; one missed while the bot was down goes at start-up,
-- marked late. The *_seen columns are high-water marks for "new since the last summary".
CREATE TABLE summaries (
    due_at TEXT PRIMARY KEY,                -- the scheduled moment, UTC
    late INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,                           -- NULL until Telegram accepted it
    responses_seen INTEGER NOT NULL DEFAULT 0,
    feedback_seen INTEGER NOT NULL DEFAULT 0,
    alerts_seen INTEGER NOT NULL DEFAULT 0
);
