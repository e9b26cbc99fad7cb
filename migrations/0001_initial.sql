-- People who agreed to the privacy notice. Nothing is stored about anyone before they agree.
CREATE TABLE participants (
    user_id INTEGER PRIMARY KEY,            -- Telegram user id
    consented_at TEXT NOT NULL,
    privacy_version INTEGER NOT NULL,
    current_consultation TEXT               -- the consultation they are taking now, if any
);

-- One response per person per consultation. `respondent` is a keyed pseudonym (HMAC of the
-- consultation id and the Telegram id); `user_id` is filled only for consultations that are not
-- anonymous, so an anonymous response carries nothing that identifies its author.
CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    consultation_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    user_id INTEGER REFERENCES participants(user_id) ON DELETE SET NULL,
    position TEXT,                          -- current question id; NULL on the review screen
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted')),
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    UNIQUE (consultation_id, respondent)
);

CREATE TABLE answers (
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value TEXT,                             -- JSON; NULL when the question was skipped
    answered_at TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
);

-- Telegram may deliver an update twice; an answering update is recorded here in the same
-- transaction as the answer it carries, so the second delivery changes nothing.
CREATE TABLE handled_updates (
    update_id INTEGER PRIMARY KEY,
    handled_at TEXT NOT NULL
);
