-- Possible concerns: messages the classifier scored as maybe a concern, or written in a language
-- the checks cannot read. A person reads each one and decides: act on it (it becomes an alert) or
-- not a concern. Written in the same transaction as the message it comes from.
-- `user_id` is held only until someone decides, so acting on it can offer the young person help;
-- a decision clears it, and so does the nightly tidy after 14 days undecided. The words stay with the decision, for the safeguarding record.
CREATE TABLE possible_concerns (
    id INTEGER PRIMARY KEY,
    words TEXT NOT NULL,
    category TEXT NOT NULL,            -- the classifier's best guess, or 'unread_language'
    score REAL NOT NULL,               -- the classifier's score, 0..1
    source TEXT NOT NULL,              -- 'answer' (name ideas too), 'feedback', 'message'
    raised_at TEXT NOT NULL,
    user_id INTEGER,
    update_id INTEGER,
    urgent INTEGER NOT NULL DEFAULT 0, -- scored high enough that the team hears at once
    shown_at TEXT,                     -- first put in front of the team (a digest or an urgent post)
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'acted', 'not_a_concern')),
    decided_by INTEGER,
    decided_by_name TEXT,
    decided_at TEXT,
    alert_id INTEGER REFERENCES safeguarding_alerts(id)
);
CREATE UNIQUE INDEX possible_concerns_update ON possible_concerns (update_id) WHERE update_id IS NOT NULL;
CREATE INDEX possible_concerns_open ON possible_concerns (state, id);

-- Where the team last saw the queue in a digest (one row).
CREATE TABLE concern_digests (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_sent_at TEXT
);

ALTER TABLE summaries ADD COLUMN concerns_seen INTEGER NOT NULL DEFAULT 0;

-- A name idea whose words are in the queue waits for the decision before anyone moderates it:
-- "not a concern" lets it go on; acting on it keeps it out of moderation for good.
ALTER TABLE ideas ADD COLUMN held_for INTEGER REFERENCES possible_concerns(id);
