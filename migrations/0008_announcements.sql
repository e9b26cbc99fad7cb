-- /announce: a consultation's invitation to every young person who asked for updates. Each
-- delivery is a row, marked once Telegram has taken it, so a restart carries on where it stopped:
-- nobody is skipped, and nobody already sent to is sent to again.
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    consultation_id TEXT NOT NULL UNIQUE,   -- announced once
    announced_by INTEGER NOT NULL,
    announced_at TEXT NOT NULL,
    progress_chat_id INTEGER,               -- the worker's message that shows sent / failed / left
    progress_message_id INTEGER
);

CREATE TABLE announcement_sends (
    announcement_id INTEGER NOT NULL REFERENCES announcements(id),
    user_id INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    PRIMARY KEY (announcement_id, user_id)
);
CREATE INDEX announcement_sends_pending ON announcement_sends (state, announcement_id, user_id);
