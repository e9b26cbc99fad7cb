-- Anonymous feedback: nothing here links a row to its sender (no Telegram id, chat id, name,
-- username, pseudonym or message id), and the time is kept to the day.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    body TEXT NOT NULL,
    received_on TEXT NOT NULL,              -- YYYY-MM-DD
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'read', 'acting', 'done')),
    public_reply TEXT,
    posted_to_team INTEGER NOT NULL DEFAULT 0  -- 1 once the team chat has it
);

-- Who changed a feedback item's status, and when (workers, never young people).
CREATE TABLE feedback_status_changes (
    feedback_id INTEGER NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    worker_id INTEGER NOT NULL,
    changed_at TEXT NOT NULL
);

-- Young people who asked for "you said, we did" updates; `active` is 0 once they blocked the bot.
ALTER TABLE participants ADD COLUMN wants_updates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN active INTEGER NOT NULL DEFAULT 1;

CREATE TABLE published_updates (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    published_by INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
);

-- A message that may disclose harm, on its way to a person. Written in the same transaction as
-- the message it comes from; posted to the team until a worker acknowledges it.
-- `user_id` is held only while the young person chooses whether to be contacted, and kept only
-- if they say yes; their name is stored only then too. `asker` is a keyed pseudonym of them for
-- this alert alone, so a later "yes, contact me" can be checked without keeping their id.
CREATE TABLE safeguarding_alerts (
    id INTEGER PRIMARY KEY,
    words TEXT NOT NULL,
    category TEXT NOT NULL,
    source TEXT NOT NULL,                   -- feedback | answer | message
    raised_at TEXT NOT NULL,
    asker TEXT,
    user_id INTEGER,
    contact_name TEXT,
    contact_username TEXT,
    wants_contact INTEGER,                  -- 1 yes, 0 no or no answer in time, NULL not yet
    choice_due_at TEXT,                     -- after this, it goes anonymously
    state TEXT NOT NULL CHECK (state IN ('awaiting_choice', 'to_send', 'sent', 'acknowledged')),
    next_post_at TEXT,                      -- when to (re)post it
    posts INTEGER NOT NULL DEFAULT 0,
    team_chat_id INTEGER,
    team_message_id INTEGER,
    acknowledged_by INTEGER,
    acknowledged_at TEXT
);
CREATE INDEX safeguarding_alerts_due ON safeguarding_alerts (state, next_post_at);
