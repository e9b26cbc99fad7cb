-- On a suggestion question, the idea whose reason the young person's next message gives.
ALTER TABLE responses ADD COLUMN asking_why TEXT;

-- Ideas young people send to a suggestion question (e.g. names for the service). One row per
-- distinct idea, compared by its normalised form; everyone who sent it has a submission, so its
-- support is counted per person. Nobody but the team sees an idea until a worker approves it.
CREATE TABLE ideas (
    id INTEGER PRIMARY KEY,
    consultation_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    normalised TEXT NOT NULL,
    label TEXT NOT NULL,                    -- the first sender's wording, tidied
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'merged')),
    flags TEXT NOT NULL DEFAULT '',         -- why it is held for a careful look: comma-separated
    merged_into INTEGER REFERENCES ideas(id),
    decided_by INTEGER,                     -- the worker's Telegram id
    decided_at TEXT,
    -- Not posted to the team before this moment, so the reason its sender is typing goes with it
    -- (cleared once posted: the only time kept to the second, and only for minutes).
    post_after TEXT,
    posted_at TEXT,                         -- the day it went to the team chat to be moderated
    created_on TEXT NOT NULL,               -- the day only
    UNIQUE (consultation_id, question_id, normalised)
);

CREATE INDEX ideas_merged_into ON ideas (merged_into);
CREATE INDEX ideas_to_post ON ideas (posted_at, post_after);

-- `respondent` is the response's keyed pseudonym: no Telegram id, name or username.
CREATE TABLE idea_submissions (
    id INTEGER PRIMARY KEY,
    idea_id INTEGER NOT NULL REFERENCES ideas(id),
    respondent TEXT NOT NULL,
    wording TEXT NOT NULL,                  -- as they typed it
    why TEXT,
    submitted_on TEXT NOT NULL,             -- the day only
    UNIQUE (idea_id, respondent)
);

-- Approved ideas a worker put on a vote's ballot (beside the fixed options in its file).
CREATE TABLE shortlist (
    consultation_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    idea_id INTEGER NOT NULL REFERENCES ideas(id),
    added_by INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, question_id, idea_id)
);

-- Every ballot ever sent, never overwritten, so the count can be re-run and audited; the latest
-- per respondent (keyed pseudonym) is the one that counts.
CREATE TABLE ballots (
    id INTEGER PRIMARY KEY,
    consultation_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    ranking TEXT NOT NULL,                  -- JSON list of option ids, favourite first
    cast_on TEXT NOT NULL                   -- the day only
);
CREATE INDEX ballots_by_vote ON ballots (consultation_id, question_id, respondent, id);

-- A consultation a worker closed before its closes_at.
CREATE TABLE closures (
    consultation_id TEXT PRIMARY KEY,
    closed_at TEXT NOT NULL,
    closed_by INTEGER NOT NULL
);
